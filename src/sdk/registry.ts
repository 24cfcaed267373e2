import { AppError } from '../errors/app-error.ts';
import type { ConnectorDef } from './connector.ts';

/** The connectors a hub knows, by id. */
export class ConnectorRegistry {
  private readonly byId = new Map<string, ConnectorDef>();

  constructor(defs: readonly ConnectorDef[] = []) {
    for (const d of defs) this.register(d);
  }

  /** Adds a connector; ids are unique. */
  register(def: ConnectorDef): this {
    if (this.byId.has(def.id)) throw new Error(`connector "${def.id}" is registered twice`);
    this.byId.set(def.id, def);
    return this;
  }

  /** The connector, or a 422 naming the known ones. */
  get(id: string): ConnectorDef {
    const def = this.byId.get(id);
    if (!def) {
      throw new AppError(422, 'unknown_connector', `unknown connector "${id}"`, [
        {
          path: 'connectorId',
          message: `known connectors: ${[...this.byId.keys()].sort().join(', ') || '(none)'}`,
        },
      ]);
    }
    return def;
  }

  /** True when the id is registered. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** All connectors, by id. */
  list(): ConnectorDef[] {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
}
