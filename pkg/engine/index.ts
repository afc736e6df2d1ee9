// The engine package: the Engine facade and its API server.
export { Engine, BERTH_VERSION, type EngineConfig } from './engine.js';
export { ApiServer, engineRouter, API_VERSION, MIN_API_VERSION } from './api/index.js';
