import type { Command } from 'commander';

import { connectors } from '../../connectors/index.ts';
import { describeFields, type FieldDoc } from '../sdk/describe.ts';
import { ConnectorRegistry } from '../sdk/registry.ts';
import type { ConnectorDef } from '../sdk/connector.ts';
import { emit, table } from './output.ts';

/** What `connectors --json` lists of a connector: streams and sinks as arrays of names. */
function summary(c: ConnectorDef) {
  return {
    id: c.id,
    name: c.name,
    streams: Object.keys(c.streams ?? {}),
    sinks: Object.keys(c.sinks ?? {}),
    webhook: !!c.webhook,
  };
}

/** Everything `connector show` prints: streams and sinks with their descriptions, and the fields. */
export function connectorDetails(c: ConnectorDef) {
  const described = (defs: Record<string, { description: string }> | undefined) =>
    Object.entries(defs ?? {}).map(([name, d]) => ({ name, description: d.description }));
  return {
    ...summary(c),
    streams: described(c.streams),
    sinks: described(c.sinks),
    settings: describeFields(c.settings),
    credentials: describeFields(c.credentials),
  };
}

/** One field as people read it: name, type, required or default, and what it means. */
function fieldRows(fields: FieldDoc[]) {
  const shown = (v: unknown) => {
    const text = JSON.stringify(v);
    return text.length > 24 ? 'has a default' : `default ${text}`;
  };
  return fields.map((f) => ({
    field: f.name,
    type: f.choices ? `${f.type}: ${f.choices.join('|')}` : f.type,
    required: f.required ? 'yes' : f.default === undefined ? 'no' : shown(f.default),
    example: f.example,
    description: f.description,
  }));
}

/** `connectors` (list) and `connector show <id>`. Neither needs Redis. */
export function registerConnectorCommands(program: Command): void {
  const registry = new ConnectorRegistry(connectors);
  program
    .command('connectors')
    .description('List the connectors this hub ships')
    .option('--json', 'output JSON (streams and sinks as arrays)')
    .action((o: { json?: boolean }) => {
      const list = registry.list().map(summary);
      emit(!!o.json, list, () =>
        table(
          list.map((c) => ({ ...c, streams: c.streams.join(' '), sinks: c.sinks.join(' ') })),
          ['id', 'name', 'streams', 'sinks', 'webhook'],
        ),
      );
    });
  program
    .command('connector')
    .description('One connector in detail')
    .command('show <connectorId>')
    .description(
      "A connector's streams, sinks, settings and credentials, with descriptions and examples",
    )
    .option('--json', 'output JSON')
    .action((id: string, o: { json?: boolean }) => {
      const d = connectorDetails(registry.get(id));
      emit(!!o.json, d, () =>
        [
          `${d.name} (${d.id})${d.webhook ? ` · webhooks at POST /hooks/<tenant>/<connection>` : ''}`,
          '',
          'Streams (in):',
          ...(d.streams.length
            ? d.streams.map((s) => `  ${s.name}: ${s.description}`)
            : ['  (none)']),
          'Sinks (out):',
          ...(d.sinks.length ? d.sinks.map((s) => `  ${s.name}: ${s.description}`) : ['  (none)']),
          '',
          'Settings (--settings JSON):',
          table(fieldRows(d.settings), ['field', 'type', 'required', 'example', 'description']),
          '',
          'Credentials (--credentials JSON, stored encrypted):',
          table(fieldRows(d.credentials), ['field', 'type', 'required', 'example', 'description']),
        ].join('\n'),
      );
    });
}
