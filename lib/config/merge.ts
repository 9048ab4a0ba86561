/**
 * Deep merge used for environment overrides. Objects merge key by key; arrays of items that
 * all have a `name` merge item by item on that name (new names are appended, but config
 * validation refuses them: see {@link unknownOverrideNames}); any other
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

/**
 * Where a key path of the merged config came from inside `override`, so a problem an
 * override causes is reported at the line the user wrote (named-list indices differ between
 * the merged list and the override list). Returns undefined when the value at `path` comes
 * from the base file unchanged.
 *
 * @example locateOverride({ tiers: [{ name: 'free' }, { name: 'pro' }] }, { tiers: [{ name: 'pro', hour: 1 }] }, ['tiers', 1, 'hour'])
 *   // => ['tiers', 0, 'hour']
 */
export function locateOverride(base: unknown, override: unknown, path: readonly PropertyKey[]): PropertyKey[] | undefined {
  const out: PropertyKey[] = [];
  let b = base;
  let o = override;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    const rest = path.slice(i);
    // The override introduced or replaced this whole subtree.
    if (b === undefined || (!isPlainObject(o) && !Array.isArray(o))) return [...out, ...rest];
    if (Array.isArray(o)) {
      if (!(isNamedList(b) && isNamedList(o)) || typeof key !== 'number') return [...out, ...rest];
      const item = (mergeOverrides(b, o) as Array<{ name: unknown }>)[key];
      const at = o.findIndex((x) => x.name === item?.name);
      if (at < 0) return undefined;
      out.push(at);
      o = o[at];
      b = b.find((x) => x.name === item.name);
      continue;
    }
    if (!isPlainObject(b) || !(String(key) in o)) return isPlainObject(b) ? undefined : [...out, ...rest];
    out.push(key);
    o = o[String(key)];
    b = b[String(key)];
  }
  return out;
}

/** An entry of a named-list override whose name the base list does not have. */
export interface UnknownOverrideName {
  /** Key path of the entry's `name` inside the override. */
  readonly path: PropertyKey[];
  readonly name: string;
  /** Names the base list has. */
  readonly known: string[];
}

/**
 * Entries of named-list overrides that match no entry of the base list. mergeOverrides would
 * append them, so a misspelt name (`serach` for `search`) would add an unused entry and leave
 * the one meant with its base values: config validation refuses them.
 */
export function unknownOverrideNames(base: unknown, override: unknown, at: PropertyKey[] = []): UnknownOverrideName[] {
  if (isNamedList(base) && isNamedList(override)) {
    return override.flatMap((item, i) => {
      const match = base.find((b) => b.name === item.name);
      if (!match) return [{ path: [...at, i, 'name'], name: String(item.name), known: base.map((b) => String(b.name)) }];
      return unknownOverrideNames(match, item, [...at, i]);
    });
  }
  if (isPlainObject(base) && isPlainObject(override)) {
    return Object.entries(override).flatMap(([key, value]) => (Object.hasOwn(base, key) ? unknownOverrideNames(base[key], value, [...at, key]) : []));
  }
  return [];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty array whose items all have a string `name` (services, routes, tiers, ...). */
export function isNamedList(value: unknown): value is Array<Record<string, unknown> & { name: unknown }> {
  return Array.isArray(value) && value.length > 0 && value.every((v) => isPlainObject(v) && typeof v.name === 'string');
}
