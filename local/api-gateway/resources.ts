import type { ApiMethod } from '../../lib/contract/route-table';

/**
 * API Gateway REST resource selection: a request path picks one resource of the tree the API
 * stack builds from the route table (literal segments beat `{param}`, which beats a greedy
 * `{proxy+}`), then the HTTP method picks the method. REST APIs answer an unknown path or an
 * unconfigured method with MISSING_AUTHENTICATION_TOKEN (customized to 404 in responses.ts).
 */
export interface ResourceMatch {
  readonly method: ApiMethod;
  readonly resourcePath: string;
  /** `{proxy+}` -> `proxy`, `{id}` -> `id`; values are URL-decoded like API Gateway does. */
  readonly pathParameters: Readonly<Record<string, string>>;
}

interface Node {
  readonly literal: Map<string, Node>;
  param?: { name: string; node: Node };
  greedy?: { name: string; resourcePath: string; methods: Map<string, ApiMethod> };
  resourcePath?: string;
  methods: Map<string, ApiMethod>;
}

const node = (): Node => ({ literal: new Map(), methods: new Map() });

/** The resource tree of an API; `match` is O(path segments). */
export class ResourceTree {
  private readonly root = node();

  constructor(methods: readonly ApiMethod[]) {
    for (const method of methods) this.add(method);
  }

  /** The method for a request, `undefined` when API Gateway would answer MISSING_AUTHENTICATION_TOKEN. */
  match(httpMethod: string, path: string): ResourceMatch | undefined {
    const segments = path.split('/').filter((s, i) => i > 0 && s !== '');
    return this.walk(this.root, segments, 0, {}, httpMethod);
  }

  /** Whether any method exists on the path (used for a helpful 404 vs 405 decision in logs). */
  hasPath(path: string): boolean {
    return ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].some((m) => this.match(m, path));
  }

  private walk(at: Node, segments: string[], i: number, params: Record<string, string>, httpMethod: string): ResourceMatch | undefined {
    if (i === segments.length) {
      const method = at.methods.get(httpMethod);
      return method && at.resourcePath ? { method, resourcePath: at.resourcePath, pathParameters: params } : undefined;
    }
    const segment = segments[i];
    const literal = at.literal.get(segment);
    if (literal) {
      const found = this.walk(literal, segments, i + 1, params, httpMethod);
      if (found) return found;
    }
    if (at.param) {
      const found = this.walk(at.param.node, segments, i + 1, { ...params, [at.param.name]: decode(segment) }, httpMethod);
      if (found) return found;
    }
    if (at.greedy) {
      const method = at.greedy.methods.get(httpMethod);
      if (method) {
        return { method, resourcePath: at.greedy.resourcePath, pathParameters: { ...params, [at.greedy.name]: segments.slice(i).map(decode).join('/') } };
      }
    }
    return undefined;
  }

  private add(method: ApiMethod): void {
    let at = this.root;
    const segments = method.resourcePath.split('/').filter(Boolean);
    for (const segment of segments) {
      const greedy = /^\{(.+)\+\}$/.exec(segment);
      if (greedy) {
        at.greedy ??= { name: greedy[1], resourcePath: method.resourcePath, methods: new Map() };
        at.greedy.methods.set(method.httpMethod, method);
        return;
      }
      const param = /^\{(.+)\}$/.exec(segment);
      if (param) {
        at.param ??= { name: param[1], node: node() };
        at = at.param.node;
        continue;
      }
      let next = at.literal.get(segment);
      if (!next) { next = node(); at.literal.set(segment, next); }
      at = next;
    }
    at.resourcePath = method.resourcePath;
    at.methods.set(method.httpMethod, method);
  }
}

function decode(segment: string): string {
  try { return decodeURIComponent(segment); } catch { return segment; }
}
