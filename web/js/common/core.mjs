// The core's rules on the page, asked of the wasm module in the page's worker (the page itself never
// loads the module: training and everything else of the core stays off the main thread). Every
// answer comes by the core's own table, parser and printer: schemas, URL settings, one field's
// check, the shortest address of a config, cost estimates. worker-host.mjs serves these requests.
export class Core {
  // client: a WorkerClient whose worker uses worker-host.mjs serve(); its ready message carries
  // both schemas (table 'grok' for grokking runs, 'dd' for double-descent sweeps).
  constructor(client, ready) {
    this.client = client;
    this.schemas = ready.schemas;
  }

  schema(table) { return this.schemas[table]; }

  // URLSearchParams -> {preset, config, notices: [{field, error, message}]}; bad values are reset to
  // the preset's, unknown keys ignored, each with a notice naming it. `skip` keys belong to the page.
  async settingsFromParams(table, params, defaultPreset, skip = []) {
    const pairs = [...params].filter(([k]) => !skip.includes(k));
    return this.ask('core-settings', { table, pairs, defaultPreset });
  }

  // The shortest address of a config: URLSearchParams of the preset and the fields that differ from it.
  async paramsFromSettings(table, preset, config) {
    const r = await this.ask('core-params', { table, preset, config });
    return new URLSearchParams(r.pairs);
  }

  // One value as typed (text, or a checkbox's boolean): {value} or {error} naming the field and its range.
  checkField(table, name, raw) { return this.ask('core-check', { table, name, text: String(raw) }); }

  // The core's cost model for a grokking config (core/grokking/cost.h), or {error}.
  estimateCost(config) { return this.ask('core-cost', { config }); }

  // A sweep's plan by the core's rules (grokking/sweep.h): grid = ["field=a:b:n" or "field=v1,v2", ...]
  // as `grok sweep --grid` reads them -> {plan (grok-sweep-plan/1), configs: [one per run]} or {error}.
  sweepPlan(preset, config, grid, seeds) { return this.ask('core-sweep-plan', { preset, config, grid, seeds }); }

  // The grok-sweep/1 summary of a plan (its JSON text) from the rows of finished runs, the files of
  // runs not finished, and [{file, error}] of runs that failed.
  async sweepSummary(plan, rows, incomplete, failed) {
    return (await this.ask('core-sweep-summary', { plan, rows, incomplete, failed })).summary;
  }

  // The dd lab's network experiments (core network_dd/plan.h). networkPlan: a dd config (partial,
  // over its experiment's preset) -> {config, plan, configs} or {error}; networkCurve: the plan's
  // text and the finished rows -> {axis, sizes, points, threshold} or {error}; networkReplay: a
  // grok-sweep/1 file's text -> {plan, rows, curve} or {error}.
  networkPlan(config) { return this.ask('core-network-plan', { config }); }
  networkCurve(plan, rows) { return this.ask('core-network-curve', { plan, rows }); }
  networkReplay(text) { return this.ask('core-network-replay', { text }); }

  async ask(type, payload) {
    const r = await this.client.request(type, payload);
    if (r.failed) throw new Error(r.failed);
    return r;
  }
}

// Does a row of the schema apply to this config (its `when` conditions)?
export function applies(field, config) {
  return field.when.every((c) => c.values.includes(String(config[c.field])) !== c.negate);
}
