import {
  type TSource,
  ZAgentParams,
  ZCreateSourceRequest,
  ZErrorResponse,
  ZKnowledgeGaps,
  ZKnowledgeGapsQuery,
  ZKnowledgeSearchRequest,
  ZKnowledgeSearchResult,
  ZResolveKnowledgeGapRequest,
  ZSource,
  ZSourceList,
  ZSourceParams,
} from "@minichat/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { findAgent } from "../agents/agents.repo.ts";
import { requireWorkspace } from "../auth/authenticate.ts";
import { addFileSource, addSource, enqueueIngestion, formatBytes } from "./add-source.ts";
import {
  deleteSourceRow,
  findSource,
  findSources,
  type SourceRow,
  setSourceStatus,
} from "./knowledge.repo.ts";
import { findGaps, resolveGap } from "./knowledge-gaps.ts";
import { searchKnowledge } from "./search-knowledge.ts";

const errors = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  404: ZErrorResponse,
  409: ZErrorResponse,
};

const ZUpload = z
  .object({
    file: z
      .string()
      .meta({ format: "binary", description: "PDF, Word (.docx), text, Markdown, CSV or HTML" }),
    name: z.string().optional().meta({ description: "Defaults to the file's name" }),
  })
  .meta({ description: "A file upload" })
  // The parts are read by the handler as they stream in, so the body seen by validation is empty.
  .nullish();

const iso = (d: Date | null) => (d ? d.toISOString() : null);
export const toSource = (s: SourceRow): TSource => ({
  id: s.id,
  agentId: s.agentId,
  type: s.type as TSource["type"],
  name: s.name,
  origin:
    typeof s.input.filename === "string"
      ? s.input.filename
      : typeof s.input.url === "string"
        ? s.input.url
        : null,
  status: s.status as TSource["status"],
  error: s.error,
  sizeBytes: s.sizeBytes,
  chunkCount: s.chunkCount,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
  readyAt: iso(s.readyAt),
});

/** The one file of a multipart upload (and its optional `name` field), size-capped while streaming. */
async function readUpload(
  req: FastifyRequest,
  maxBytes: number,
): Promise<{ filename: string; content: Buffer; name?: string }> {
  let upload: { filename: string; content: Buffer } | undefined;
  let name: string | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 1, fields: 5 } })) {
      if (part.type === "file") {
        if (part.fieldname !== "file" || upload) {
          part.file.resume();
          throw new AppError("VALIDATION_FAILED", 'Send exactly one file, in the field "file"');
        }
        const content = await part.toBuffer();
        upload = { filename: part.filename ?? "", content };
      } else if (part.fieldname === "name" && typeof part.value === "string") {
        name = part.value;
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === "FST_REQ_FILE_TOO_LARGE") {
      throw new AppError("PAYLOAD_TOO_LARGE", `The file is larger than the ${formatBytes(maxBytes)} limit`);
    }
    if (code?.startsWith("FST_")) {
      throw new AppError("VALIDATION_FAILED", `The upload could not be read: ${(err as Error).message}`);
    }
    throw new AppError("BAD_REQUEST", "The upload could not be read");
  }
  if (!upload) throw new AppError("VALIDATION_FAILED", 'No file was sent; put it in the field "file"');
  return name === undefined ? upload : { ...upload, name };
}

export function registerKnowledgeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Knowledge"];
  const base = "/api/v1/workspaces/:workspaceId/agents/:agentId";
  const ingestDeps = {
    db: ctx.db,
    logger: app.log,
    events: ctx.events,
    jobs: ctx.jobs,
    config: ctx.config,
    outboundFetch: ctx.outboundFetch,
    outboundPolicy: ctx.outboundPolicy,
    vectors: ctx.vectors,
  };

  r.post(
    `${base}/sources`,
    {
      schema: {
        tags,
        summary:
          "Add knowledge to an agent: upload a file (multipart/form-data, field `file`), or send JSON with pasted text, Q&A pairs or a website. Answers 202 with the source queued; it becomes ready (or failed, with a reason) once processed.",
        params: ZAgentParams,
        body: {
          content: {
            "application/json": { schema: ZCreateSourceRequest },
            "multipart/form-data": { schema: ZUpload },
          },
        } as unknown as typeof ZCreateSourceRequest,
        response: { 202: ZSource, ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["update"] },
        scope: "knowledge:write",
      });
      const who = { workspaceId: access.workspaceId, agentId: req.params.agentId, userId: access.userId };
      const row = req.isMultipart()
        ? await addFileSource(ingestDeps, who, await readUpload(req, ctx.config.knowledgeMaxFileBytes))
        : await addSource(ingestDeps, who, req.body);
      const fresh = await findSource(ctx.db, access.workspaceId, row.agentId, row.id);
      return reply.status(202).send(toSource(fresh ?? row));
    },
  );

  r.get(
    `${base}/sources`,
    {
      schema: {
        tags,
        summary:
          "The agent's knowledge sources with their status, size and chunk count, and the limits a new source must fit",
        params: ZAgentParams,
        response: { 200: ZSourceList, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["read"] },
        scope: "knowledge:read",
      });
      if (!(await findAgent(ctx.db, access.workspaceId, req.params.agentId))) throw notFound("Agent");
      return {
        sources: (await findSources(ctx.db, access.workspaceId, req.params.agentId)).map(toSource),
        limits: {
          maxFileBytes: ctx.config.knowledgeMaxFileBytes,
          maxCrawlPages: ctx.config.knowledgeMaxCrawlPages,
        },
      };
    },
  );

  r.get(
    `${base}/sources/:sourceId`,
    {
      schema: {
        tags,
        summary: "One knowledge source",
        params: ZSourceParams,
        response: { 200: ZSource, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["read"] },
        scope: "knowledge:read",
      });
      const row = await findSource(ctx.db, access.workspaceId, req.params.agentId, req.params.sourceId);
      if (!row) throw notFound("Source");
      return toSource(row);
    },
  );

  r.delete(
    `${base}/sources/:sourceId`,
    {
      schema: {
        tags,
        summary: "Delete a source and its passages (the agent stops using them at once)",
        params: ZSourceParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["update"] },
        scope: "knowledge:write",
      });
      if (!(await deleteSourceRow(ctx.db, access.workspaceId, req.params.agentId, req.params.sourceId))) {
        throw notFound("Source");
      }
      return reply.status(204).send(null);
    },
  );

  r.post(
    `${base}/sources/:sourceId/resync`,
    {
      schema: {
        tags,
        summary: "Process a source again (its current passages stay searchable until the new ones are ready)",
        params: ZSourceParams,
        response: { 202: ZSource, ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["update"] },
        scope: "knowledge:write",
      });
      const row = await findSource(ctx.db, access.workspaceId, req.params.agentId, req.params.sourceId);
      if (!row) throw notFound("Source");
      await setSourceStatus(ctx.db, access.workspaceId, row.id, { status: "queued", error: null });
      await enqueueIngestion(ingestDeps, row);
      const fresh = await findSource(ctx.db, access.workspaceId, row.agentId, row.id);
      return reply.status(202).send(toSource(fresh ?? row));
    },
  );

  r.post(
    `${base}/knowledge/search`,
    {
      schema: {
        tags,
        summary: "Search the agent's knowledge exactly as the agent would retrieve it",
        params: ZAgentParams,
        body: ZKnowledgeSearchRequest,
        response: { 200: ZKnowledgeSearchResult, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["read"] },
        scope: "knowledge:read",
      });
      if (!(await findAgent(ctx.db, access.workspaceId, req.params.agentId))) throw notFound("Agent");
      return {
        results: await searchKnowledge(
          { db: ctx.db, vectors: ctx.vectors },
          {
            workspaceId: access.workspaceId,
            agentId: req.params.agentId,
            query: req.body.query,
            limit: req.body.limit,
          },
        ),
      };
    },
  );

  r.get(
    `${base}/knowledge/gaps`,
    {
      schema: {
        tags,
        summary:
          "Questions visitors asked that the agent's knowledge had nothing relevant for, grouped by wording, most asked first",
        params: ZAgentParams,
        querystring: ZKnowledgeGapsQuery,
        response: { 200: ZKnowledgeGaps, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["read"] },
        scope: "knowledge:read",
      });
      if (!(await findAgent(ctx.db, access.workspaceId, req.params.agentId))) throw notFound("Agent");
      return { gaps: await findGaps(ctx.db, access.workspaceId, req.params.agentId, req.query.limit) };
    },
  );

  r.post(
    `${base}/knowledge/gaps/resolve`,
    {
      schema: {
        tags,
        summary:
          "Take a question off the gaps list (once it is answered, for example by a new Q&A pair); it comes back if visitors ask it again and nothing is found",
        params: ZAgentParams,
        body: ZResolveKnowledgeGapRequest,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["update"] },
        scope: "knowledge:write",
      });
      if (!(await findAgent(ctx.db, access.workspaceId, req.params.agentId))) throw notFound("Agent");
      if (!(await resolveGap(ctx.db, access.workspaceId, req.params.agentId, req.body.question))) {
        throw notFound("Question");
      }
      return reply.status(204).send(null);
    },
  );
}
