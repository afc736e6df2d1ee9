// Go struct field names whose JSON keys are spelled differently (pure data). docker executes
// --format templates on typed structs (`{{.ID}}`, `{{.HostConfig.CPUShares}}`) and falls back to the
// raw JSON map (`{{.Id}}`); with JSON data only, these aliases give both spellings.
export const GO_FIELD_ALIASES: Readonly<Record<string, string>> = {
  ID: 'Id',
  ParentID: 'ParentId',
  APIVersion: 'ApiVersion',
  CPUShares: 'CpuShares',
  CPUPeriod: 'CpuPeriod',
  CPUQuota: 'CpuQuota',
  CPURealtimePeriod: 'CpuRealtimePeriod',
  CPURealtimeRuntime: 'CpuRealtimeRuntime',
  CPUCount: 'CpuCount',
  CPUPercent: 'CpuPercent',
  CPUCfsPeriod: 'CpuCfsPeriod',
  CPUCfsQuota: 'CpuCfsQuota',
  NanoCPUs: 'NanoCpus',
  DNS: 'Dns',
  DNSOptions: 'DnsOptions',
  DNSSearch: 'DnsSearch',
  HTTPProxy: 'HttpProxy',
  HTTPSProxy: 'HttpsProxy',
  AuxAddress: 'AuxiliaryAddresses',
};
