import type { FieldDoc } from '../sdk/describe.ts';

/** Form field names: `s.<name>` for settings, `c.<name>` for credentials. */
export type Group = 's' | 'c';

type ControlProps = {
  group: Group;
  f: FieldDoc;
  value: string | string[] | undefined;
  error?: string;
};

/** The attributes every control of a field shares. */
function commonOf(props: ControlProps) {
  const id = `${props.group}-${props.f.name}`;
  return {
    id,
    name: `${props.group}.${props.f.name}`,
    'aria-describedby': `${id}-help`,
    'aria-invalid': props.error ? 'true' : undefined,
  };
}

/** One input for one schema field: its control follows the field's type; secrets are masked. */
function Control(props: ControlProps) {
  const { f } = props;
  const common = commonOf(props);
  if (f.choices && f.type === 'array') return <ChoiceSet {...props} />;
  return (
    <div class={`field${props.error ? ' has-err' : ''}`}>
      <label for={common.id}>
        {f.name}
        {f.required && <span aria-hidden="true"> *</span>}
      </label>
      <Input {...props} />
      <Help id={common['aria-describedby']} f={f} error={props.error} />
    </div>
  );
}

/** Several choices of an array field, as checkboxes in a fieldset. */
function ChoiceSet(props: ControlProps) {
  const { f } = props;
  const { name, 'aria-describedby': described } = commonOf(props);
  const picked = Array.isArray(props.value)
    ? props.value
    : props.value
      ? [props.value]
      : ((f.default as string[]) ?? []);
  return (
    <fieldset class={`field${props.error ? ' has-err' : ''}`} aria-describedby={described}>
      <legend>{f.name}</legend>
      <div class="checks">
        {(f.choices ?? []).map((choice) => (
          <label>
            <input type="checkbox" name={name} value={choice} checked={picked.includes(choice)} />{' '}
            {choice}
          </label>
        ))}
      </div>
      <Help id={described} f={f} error={props.error} />
    </fieldset>
  );
}

/** The control itself: checkbox, select, JSON textarea or a typed input. */
function Input(props: ControlProps) {
  const { group, f } = props;
  const common = commonOf(props);
  const text = typeof props.value === 'string' ? props.value : undefined;
  if (f.type === 'boolean')
    return (
      <input
        type="checkbox"
        {...common}
        value="true"
        checked={text === 'true' || (text === undefined && f.default === true)}
      />
    );
  if (f.choices)
    return (
      <select {...common} required={f.required}>
        {!f.required && (
          <option value="">
            (default{f.default !== undefined ? `: ${String(f.default)}` : ''})
          </option>
        )}
        {f.choices.map((choice) => (
          <option value={choice} selected={text === choice}>
            {choice}
          </option>
        ))}
      </select>
    );
  if (f.type === 'object' || f.type === 'array')
    return (
      <textarea
        {...common}
        rows={3}
        placeholder={f.default !== undefined ? JSON.stringify(f.default) : 'JSON'}
      >
        {text ?? ''}
      </textarea>
    );
  const type =
    group === 'c'
      ? 'password'
      : f.type === 'integer' || f.type === 'number'
        ? 'number'
        : f.format === 'uri'
          ? 'url'
          : 'text';
  return (
    <input
      {...common}
      type={type}
      value={group === 'c' ? '' : (text ?? '')}
      required={f.required}
      min={f.minimum ?? undefined}
      max={f.maximum ?? undefined}
      step={f.type === 'integer' ? 1 : undefined}
      autocomplete={group === 'c' ? 'off' : undefined}
      placeholder={
        f.default !== undefined ? `default ${String(f.default)}` : (f.example ?? undefined)
      }
    />
  );
}

/** The description, example and error under a control. */
function Help(props: { id: string; f: FieldDoc; error?: string }) {
  return (
    <>
      <div class="help" id={props.id}>
        {props.f.description}
        {props.f.required ? ' Required.' : ''}
      </div>
      {props.error && (
        <div class="err" role="alert">
          {props.error}
        </div>
      )}
    </>
  );
}

/** All fields of one schema as a fieldset, errors by field name. */
export function SchemaFields(props: {
  group: Group;
  legend: string;
  fields: FieldDoc[];
  values: Record<string, string | string[]>;
  errors: Record<string, string>;
}) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      <div class="stack" style="display:grid;gap:14px">
        {props.fields.map((f) => (
          <Control
            group={props.group}
            f={f}
            value={props.values[`${props.group}.${f.name}`]}
            error={props.errors[`${props.group}.${f.name}`]}
          />
        ))}
      </div>
    </fieldset>
  );
}

/**
 * Reads one group of the posted form back into an object for the zod schema: empty optional
 * fields are left out (so defaults apply), numbers and booleans typed, JSON fields parsed.
 * Problems it finds itself (bad JSON) are returned by field name.
 */
export function readGroup(
  group: Group,
  fields: FieldDoc[],
  form: Record<string, string | string[]>,
) {
  const out: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = form[`${group}.${f.name}`];
    if (f.type === 'boolean') {
      if (raw !== undefined) out[f.name] = true;
      else if (f.default !== undefined || f.required) out[f.name] = false;
      continue;
    }
    if (f.choices && f.type === 'array') {
      if (raw !== undefined) out[f.name] = Array.isArray(raw) ? raw : [raw];
      continue;
    }
    const text = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
    if (text === '') continue;
    if (f.type === 'integer' || f.type === 'number') out[f.name] = Number(text);
    else if (f.type === 'object' || f.type === 'array') {
      try {
        out[f.name] = JSON.parse(text);
      } catch {
        errors[`${group}.${f.name}`] = 'not valid JSON';
      }
    } else out[f.name] = text;
  }
  return { value: out, errors };
}
