// The Engine API server package: routes over an Engine, served on unix sockets.
import type { Engine } from '../engine.js';
import { Router } from './router.js';
import { buildRoutes } from './routes/build.js';
import { containerRoutes } from './routes/containers.js';
import { execRoutes } from './routes/exec.js';
import { distributionRoutes } from './routes/distribution.js';
import { imageRoutes } from './routes/images.js';
import { networkRoutes } from './routes/networks.js';
import { volumeRoutes } from './routes/volumes.js';
import { systemRoutes } from './routes/system.js';
import { commitRoutes } from './routes/commit.js';
import { systemDfRoutes } from './routes/system-df.js';
import { updateRoutes } from './routes/update.js';

export { ApiServer, type ListenSpec } from './server.js';
export { Router, type Route } from './router.js';
export { API_VERSION, MIN_API_VERSION } from './http.js';

/** Every Engine API route berthd serves. */
export function engineRouter(engine: Engine): Router {
  return new Router().addAll([...systemRoutes(engine), ...containerRoutes(engine), ...execRoutes(engine), ...imageRoutes(engine), ...distributionRoutes(engine), ...networkRoutes(engine), ...volumeRoutes(engine), ...commitRoutes(engine), ...updateRoutes(engine), ...systemDfRoutes(engine), ...buildRoutes(engine)]);
}
