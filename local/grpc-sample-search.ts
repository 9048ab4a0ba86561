import type { JsonObject } from '@bufbuild/protobuf';
import { GRPC_CODE, GrpcStatus, type JsonUnaryHandler } from '../lib/grpc';

/**
 * The sample implementation of tenantly.search.v1.Search (examples/protos/tenantly/search/v1/
 * search.proto) that the twin serves for the enterprise example's `search` service: two indexes
 * of a few documents in memory, each twin its own copy. It answers with the statuses a real one
 * would (NOT_FOUND, INVALID_ARGUMENT, ALREADY_EXISTS), so every REST mapping can be tried.
 */
export const SEARCH_SERVICE = 'tenantly.search.v1.Search';

interface Doc {
  name: string;
  title: string;
  body: string;
  tags: string[];
  visibility: 'PRIVATE' | 'TENANT' | 'PUBLIC';
  attributes: JsonObject;
  createTime: string;
}

const INDEXES = [
  { name: 'indexes/handbook', displayName: 'Employee handbook', createTime: '2026-01-05T09:00:00Z' },
  { name: 'indexes/changelog', displayName: 'Product changelog', createTime: '2026-02-01T09:00:00Z' },
];

function seedDocuments(): Doc[] {
  return [
    { name: 'indexes/handbook/documents/welcome', title: 'Welcome to Tenantly', body: 'Your first week: accounts, laptop, the team.', tags: ['onboarding'], visibility: 'TENANT', attributes: { owner: 'people-team' }, createTime: '2026-01-05T10:00:00Z' },
    { name: 'indexes/handbook/documents/leave', title: 'Leave and holidays', body: 'Annual leave is 28 days; ask your lead for leave.', tags: ['hr', 'policy'], visibility: 'TENANT', attributes: { owner: 'people-team', reviewed: true }, createTime: '2026-01-10T10:00:00Z' },
    { name: 'indexes/handbook/documents/travel', title: 'Travel policy', body: 'Book travel through the portal; economy under six hours.', tags: ['hr', 'policy', 'travel'], visibility: 'PRIVATE', attributes: { owner: 'finance' }, createTime: '2026-03-02T10:00:00Z' },
    { name: 'indexes/changelog/documents/v2-0', title: 'Release 2.0', body: 'SSO for every plan; audit log export.', tags: ['release'], visibility: 'PUBLIC', attributes: {}, createTime: '2026-02-01T10:00:00Z' },
  ];
}

/** The handlers of one sample server (its own documents). */
export function searchSampleHandlers(): Record<string, JsonUnaryHandler> {
  const documents = seedDocuments();
  const index = (name: unknown) => {
    const found = INDEXES.find((i) => i.name === name);
    if (!found) throw new GrpcStatus(GRPC_CODE.NOT_FOUND, `index ${String(name)} not found`);
    return found;
  };
  const pageSize = (value: unknown, fallback: number) => {
    const n = Number(value ?? 0);
    if (n < 0) throw new GrpcStatus(GRPC_CODE.INVALID_ARGUMENT, `page_size must not be negative (got ${n})`);
    return n === 0 ? fallback : Math.min(n, 100);
  };
  const indexJson = (i: (typeof INDEXES)[number]) => ({ ...i, documentCount: String(documents.filter((d) => d.name.startsWith(`${i.name}/`)).length) });
  const docJson = (d: Doc): JsonObject => ({ ...d, sizeBytes: String(Buffer.byteLength(d.body)) });
  return {
    ListIndexes: (req) => ({ indexes: INDEXES.slice(0, pageSize(req.pageSize, INDEXES.length)).map(indexJson) }),
    GetIndex: (req) => indexJson(index(req.name)),
    ListDocuments: (req) => {
      index(req.parent);
      const tags = (req.tags as string[] | undefined) ?? [];
      const filter = (req.filter as { createdAfter?: string; titlePrefix?: string } | undefined) ?? {};
      const matching = documents.filter((d) => d.name.startsWith(`${String(req.parent)}/`)
        && tags.every((t) => d.tags.includes(t))
        && (req.visibility === 'VISIBILITY_UNSPECIFIED' || req.visibility === undefined || d.visibility === req.visibility)
        && (!filter.createdAfter || d.createTime > filter.createdAfter)
        && (!filter.titlePrefix || d.title.startsWith(filter.titlePrefix)));
      return { documents: matching.slice(0, pageSize(req.pageSize, 50)).map(docJson), totalSize: matching.length };
    },
    GetDocument: (req) => {
      const doc = documents.find((d) => d.name === req.name);
      if (!doc) throw new GrpcStatus(GRPC_CODE.NOT_FOUND, `document ${String(req.name)} not found`);
      return docJson(doc);
    },
    CreateDocument: (req) => {
      index(req.parent);
      const id = String(req.documentId ?? '');
      if (!/^[a-z][a-z0-9-]{0,62}$/.test(id)) throw new GrpcStatus(GRPC_CODE.INVALID_ARGUMENT, `document_id "${id}" must be a lower-case slug (a-z, 0-9, -; 1 to 63 characters)`);
      const input = (req.document as Partial<Doc> | undefined) ?? {};
      if (!input.title) throw new GrpcStatus(GRPC_CODE.INVALID_ARGUMENT, 'document.title is required');
      const name = `${String(req.parent)}/documents/${id}`;
      if (documents.some((d) => d.name === name)) throw new GrpcStatus(GRPC_CODE.ALREADY_EXISTS, `document ${name} already exists`);
      const doc: Doc = {
        name, title: input.title, body: input.body ?? '', tags: input.tags ?? [], attributes: input.attributes ?? {},
        visibility: input.visibility && input.visibility !== ('VISIBILITY_UNSPECIFIED' as never) ? input.visibility : 'TENANT',
        createTime: new Date().toISOString(),
      };
      documents.push(doc);
      return docJson(doc);
    },
    SearchDocuments: (req) => {
      index(req.index);
      const terms = String(req.query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      if (terms.length === 0) throw new GrpcStatus(GRPC_CODE.INVALID_ARGUMENT, 'query is required');
      const tags = (req.tags as string[] | undefined) ?? [];
      const scored = documents
        .filter((d) => d.name.startsWith(`${String(req.index)}/`) && tags.every((t) => d.tags.includes(t)))
        .map((d) => {
          const text = `${d.title} ${d.body}`.toLowerCase();
          return { document: docJson(d), score: terms.filter((t) => text.includes(t)).length / terms.length };
        })
        .filter((r) => r.score > 0)
        .sort((a, b) => b.score - a.score || String(a.document.name).localeCompare(String(b.document.name)));
      return { results: scored.slice(0, pageSize(req.pageSize, 10)), totalSize: scored.length };
    },
  };
}
