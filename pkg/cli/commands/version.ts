// `berth version`: client facts plus the daemon's /version, in docker's layout or a --format template.
import type { SystemVersion } from '../../client/index.js';
import { CLIENT_API_VERSION } from '../../client/index.js';
import { BERTH_GIT_COMMIT, BERTH_VERSION } from '../build-info.js';
import { StatusError } from '../errors.js';
import { errorText } from '../error-text.js';
import { tabwrite } from '../format/tabwriter.js';
import { GO_FIELD_ALIASES } from '../template/go-fields.js';
import { Template, TemplateError } from '../template/template.js';
import type { CommandRunner } from '../spec.js';
import { write } from './shared.js';

const VERSION_TEMPLATE = `{{with .Client -}}
Client:{{if ne .Platform nil}}{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}{{end}}
 Version:\t{{.Version}}
 API version:\t{{.APIVersion}}{{if ne .APIVersion .DefaultAPIVersion}} (downgraded from {{.DefaultAPIVersion}}){{end}}
 Node version:\t{{.NodeVersion}}
 Git commit:\t{{.GitCommit}}
 OS/Arch:\t{{.Os}}/{{.Arch}}
 Context:\t{{.Context}}
{{- end}}

{{- if ne .Server nil}}{{with .Server}}

Server:{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}
 {{- range $component := .Components}}
 {{$component.Name}}:
  {{- if eq $component.Name "Engine" }}
  Version:\t{{.Version}}
  API version:\t{{index .Details "ApiVersion"}} (minimum version {{index .Details "MinAPIVersion"}})
  Go version:\t{{index .Details "GoVersion"}}
  Git commit:\t{{index .Details "GitCommit"}}
  Built:\t{{index .Details "BuildTime"}}
  OS/Arch:\t{{index .Details "Os"}}/{{index .Details "Arch"}}
  Experimental:\t{{index .Details "Experimental"}}
  {{- else }}
  Version:\t{{$component.Version}}
  {{- $detailsOrder := getDetailsOrder $component}}
  {{- range $key := $detailsOrder}}
  {{$key}}:\t{{index $component.Details $key}}
   {{- end}}
  {{- end}}
 {{- end}}
 {{- end}}{{- end}}`;

const ANSIC_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const ANSIC_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** docker's reformatDate: an RFC 3339 build time in Go's ANSIC layout ("Fri May 30 12:07:14 2025"). */
export function reformatDate(text: string): string {
  const date = new Date(text);
  if (text === '' || Number.isNaN(date.getTime())) return text;
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${ANSIC_DAYS[date.getDay()]} ${ANSIC_MONTHS[date.getMonth()]} ${String(date.getDate()).padStart(2, ' ')} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${date.getFullYear()}`;
}

function engineComponent(server: SystemVersion): SystemVersion {
  const components = (server.Components ?? []).map((component) =>
    component.Name === 'Engine' && component.Details?.BuildTime ? { ...component, Details: { ...component.Details, BuildTime: reformatDate(component.Details.BuildTime) } } : component,
  );
  if (!components.some((component) => component.Name === 'Engine')) {
    components.push({
      Name: 'Engine',
      Version: server.Version,
      Details: {
        ApiVersion: server.ApiVersion,
        MinAPIVersion: server.MinAPIVersion ?? '',
        GitCommit: server.GitCommit,
        GoVersion: server.GoVersion,
        Os: server.Os,
        Arch: server.Arch,
        BuildTime: reformatDate(server.BuildTime ?? ''),
        Experimental: String(server.Experimental ?? false),
      },
    });
  }
  return { ...server, Platform: server.Platform ?? { Name: '' }, Components: components };
}

export const version: CommandRunner = async (context, _args, flags) => {
  const format = flags.string('format') ?? '';
  let template: Template;
  try {
    template = Template.compile(format === '' ? VERSION_TEMPLATE : format === 'json' ? '{{json .}}' : format, {
      getDetailsOrder: (component) => Object.keys((component as { Details?: Record<string, string> }).Details ?? {}).sort(),
    });
  } catch (err) {
    if (err instanceof TemplateError) throw new StatusError(64, `template parsing error: ${err.message}`);
    throw err;
  }
  const client = context.client();
  let server: SystemVersion | undefined;
  let serverError: unknown;
  let apiVersion = CLIENT_API_VERSION;
  try {
    server = await client.version();
    apiVersion = await client.apiVersion();
  } catch (err) {
    serverError = err;
  }
  const clientInfo = {
    Version: BERTH_VERSION,
    APIVersion: apiVersion,
    DefaultAPIVersion: CLIENT_API_VERSION,
    NodeVersion: process.version,
    GitCommit: BERTH_GIT_COMMIT,
    Os: process.platform,
    Arch: process.arch === 'x64' ? 'amd64' : process.arch,
    Context: 'default',
    Platform: null,
  };
  // `{{json .}}` spells the API version "ApiVersion" like docker's JSON tags.
  Object.defineProperty(clientInfo, 'toJSON', {
    enumerable: false,
    value: () => {
      const { APIVersion, Platform: _platform, ...rest } = clientInfo;
      return { ...rest, ApiVersion: APIVersion };
    },
  });
  const data = { Client: clientInfo, Server: server ? engineComponent(server) : null };
  let text: string;
  try {
    text = template.execute(data, { fieldAliases: GO_FIELD_ALIASES });
  } catch (err) {
    if (err instanceof TemplateError) throw new StatusError(1, `template: ${err.message}`);
    throw err;
  }
  await write(context.stdout, tabwrite(`${text}\n`, { minWidth: 20, tabWidth: 1, padding: 1, padChar: ' ' }));
  if (serverError !== undefined) throw new StatusError(1, errorText(serverError));
};
