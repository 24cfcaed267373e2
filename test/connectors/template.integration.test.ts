import { join } from 'node:path';

import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The connector template's own test (connectors/_template/template.test.ts) runs here, so the
// template cannot rot: it registers, reads and writes on real Redis against a loopback server.
import '../../connectors/_template/template.test.ts';

describe('connector template type-checks', () => {
  it('compiles under the project tsconfig with no diagnostics', () => {
    const root = join(import.meta.dirname, '../..');
    const cfg = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    const files = ['index.ts', 'settings.ts', 'fake-acme.ts', 'template.test.ts'].map((f) =>
      join(root, 'connectors/_template', f),
    );
    const program = ts.createProgram(files, cfg!.options);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
    expect(program.getSourceFiles().some((f) => f.fileName.endsWith('_template/index.ts'))).toBe(
      true,
    );
  });
});
