/**
 * Deep merge used for environment overrides. Objects merge key by key; arrays of items that
 * all have a `name` merge item by item on that name (new names are appended); any other
 * value, arrays included, replaces the base value.
 */
export function mergeOverrides(base: unknown, override: unknown): unknown {
  if (isNamedList(base) && isNamedList(override)) {
    const merged = base.map((item) => {
      const patch = override.find((o) => o.name === item.name);
      return patch ? mergeOverrides(item, patch) : item;
    });
    for (const item of override) if (!base.some((b) => b.name === item.name)) merged.push(item);
    return merged;
  }
  if (isPlainObject(base) && isPlainObject(override)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) out[key] = key in base ? mergeOverrides(base[key], value) : value;
    return out;
  }
  return override;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNamedList(value: unknown): value is Array<Record<string, unknown> & { name: unknown }> {
  return Array.isArray(value) && value.length > 0 && value.every((v) => isPlainObject(v) && typeof v.name === 'string');
}
