import type { Child } from 'hono/jsx';

import { MODELS, type Model } from '../../attribution/types.ts';

/** Names of the attribution models for people. */
export const MODEL_NAMES: Record<Model, string> = {
  last_touch: 'Last touch',
  first_touch: 'First touch',
  linear: 'Linear',
  time_decay: 'Time decay',
  position_based: 'Position based',
};

/**
 * The range (and model) form of a report page: a GET form, so the URL names what is shown and
 * the browser's back button works. Every control has a label.
 */
export function RangeForm(props: {
  action: string;
  from: string;
  to: string;
  model?: Model;
  hidden?: Record<string, string>;
}) {
  return (
    <form method="get" action={props.action} class="range" aria-label="Report range">
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <div class="field">
        <label for="from">From</label>
        <input type="date" id="from" name="from" value={props.from} required />
      </div>
      <div class="field">
        <label for="to">To</label>
        <input type="date" id="to" name="to" value={props.to} required />
      </div>
      {props.model && (
        <div class="field">
          <label for="model">Attribution model</label>
          <select id="model" name="model">
            {MODELS.map((m) => (
              <option value={m} selected={m === props.model}>
                {MODEL_NAMES[m]}
              </option>
            ))}
          </select>
        </div>
      )}
      <button class="btn" type="submit">
        Show
      </button>
    </form>
  );
}

/** A figure card: the number and what it is. */
export function Figure(props: { value: string; label: string }) {
  return (
    <div class="card">
      <div class="n">{props.value}</div>
      <div class="l">{props.label}</div>
    </div>
  );
}

/** A chart drawn by /ui/assets/charts.js from its JSON spec, with a text alternative. */
export function Chart(props: { id: string; label: string; spec: unknown; height?: number }) {
  // `<` escaped so no value can close the script element.
  const json = JSON.stringify(props.spec).replace(/</g, '\\u003c');
  return (
    <div class="chart" style={`height:${props.height ?? 260}px`}>
      <canvas data-chart={props.id} role="img" aria-label={props.label}></canvas>
      <script type="application/json" id={props.id} dangerouslySetInnerHTML={{ __html: json }} />
    </div>
  );
}

/** A titled panel. */
export function Panel(props: { title: string; children: Child; id?: string }) {
  const id = props.id ?? `p-${props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section class="panel" aria-labelledby={id}>
      <h2 class="section" id={id}>
        {props.title}
      </h2>
      {props.children}
    </section>
  );
}
