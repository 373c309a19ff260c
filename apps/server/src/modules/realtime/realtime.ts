import type { IncomingHttpHeaders } from "node:http";
import type {
  InboxClientEvents,
  InboxServerEvents,
  VisitorClientEvents,
  VisitorServerEvents,
} from "@minichat/contracts";
import { createAdapter } from "@socket.io/redis-adapter";
import { fromNodeHeaders } from "better-auth/node";
import { and, eq, gt } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { type Namespace, Server, type Socket } from "socket.io";
import { agents, conversations } from "../../db/schema/index.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { originAllowed } from "../widget/visitor-access.ts";
import { hashVisitorToken } from "../widget/visitor-token.ts";
import { can } from "../workspaces/roles.ts";
import { findMembership } from "../workspaces/workspaces.repo.ts";

// Live updates over Socket.IO. Two namespaces: /inbox for signed-in members (rooms per
// workspace `ws:<id>` and per conversation `cnv:<id>`), /visitor for a widget visitor (one room
// per conversation `visitor:<id>`). With Redis the adapter carries every emit to the sockets on
// all nodes, so an event raised on the node that handled a request reaches everyone.

type InboxData = { userId: string; name: string; workspaces: Set<string>; typingWindow: number[] };
type VisitorData = { workspaceId: string; conversationId: string; typingWindow: number[] };
export type InboxNamespace = Namespace<
  InboxClientEvents,
  InboxServerEvents,
  Record<string, never>,
  InboxData
>;
export type VisitorNamespace = Namespace<
  VisitorClientEvents,
  VisitorServerEvents,
  Record<string, never>,
  VisitorData
>;

export type Realtime = {
  io: Server;
  inbox: InboxNamespace;
  visitor: VisitorNamespace;
  /** Users with at least one live /inbox socket in the workspace, across all nodes. */
  onlineUserIds(workspaceId: string): Promise<string[]>;
};

const fail = (err: unknown) => {
  const e = err instanceof AppError ? err : new AppError("INTERNAL", "Something went wrong");
  return { ok: false as const, error: { code: e.code, message: e.message } };
};

export function attachRealtime(app: FastifyInstance, ctx: AppContext, redis: Redis | undefined): Realtime {
  const io = new Server(app.server, {
    path: "/socket.io",
    serveClient: false,
    // The widget runs on customers' sites: its namespace checks the agent's allowed origins
    // itself; the inbox checks the dashboard origin for cookie sessions (below).
    cors: { origin: true, credentials: true },
  });
  let pub: Redis | undefined;
  let sub: Redis | undefined;
  if (redis) {
    pub = redis.duplicate();
    sub = redis.duplicate();
    // ioredis reconnects by itself; an "error" event nobody listens to would crash the process.
    pub.on("error", () => {});
    sub.on("error", () => {});
    // The adapter publishes fire-and-forget (no catch): a publish while Redis is unreachable, or
    // racing the shutdown's QUIT, would be an unhandled rejection. A lost fan-out message is
    // acceptable — clients refetch when they reconnect — so each publish gets a handler here.
    const publish = pub.publish.bind(pub) as (...args: unknown[]) => Promise<number>;
    pub.publish = ((...args: unknown[]) => {
      const sent = publish(...args);
      sent.catch(() => {});
      return sent;
    }) as typeof pub.publish;
    io.adapter(createAdapter(pub, sub, { key: `${ctx.config.redisKeyPrefix}socket.io` }));
  }

  const inbox: InboxNamespace = io.of("/inbox");
  const visitor: VisitorNamespace = io.of("/visitor");

  inbox.use(async (socket, next) => {
    try {
      const headers = socket.handshake.headers as IncomingHttpHeaders;
      const token =
        typeof socket.handshake.auth?.token === "string" ? socket.handshake.auth.token : undefined;
      const h = fromNodeHeaders(token ? { ...headers, authorization: `Bearer ${token}` } : headers);
      const session = await ctx.auth.api.getSession({ headers: h });
      if (!session) return next(new Error("UNAUTHENTICATED"));
      // A cookie session only from the dashboard's own origin (cross-site WebSocket hijacking).
      const origin = headers.origin;
      if (!token && origin && !ctx.authn.allowedOrigins.includes(origin)) return next(new Error("FORBIDDEN"));
      socket.data = {
        userId: session.user.id,
        name: session.user.name,
        workspaces: new Set(),
        typingWindow: [],
      };
      next();
    } catch {
      next(new Error("UNAUTHENTICATED"));
    }
  });

  inbox.on("connection", (socket) => {
    const member = async (workspaceId: string) => {
      const m = await findMembership(ctx.db, workspaceId, socket.data.userId);
      if (!m || !can(m.role, { conversation: ["read"] }))
        throw new AppError("NOT_FOUND", "Workspace not found");
    };
    socket.on("join", async ({ workspaceId } = { workspaceId: "" }, ack) => {
      try {
        if (typeof workspaceId !== "string") throw new AppError("BAD_REQUEST", "workspaceId is required");
        await member(workspaceId);
        await socket.join(`ws:${workspaceId}`);
        const first = !socket.data.workspaces.has(workspaceId);
        socket.data.workspaces.add(workspaceId);
        if (first)
          inbox
            .to(`ws:${workspaceId}`)
            .emit("presence", { workspaceId, userId: socket.data.userId, online: true });
        ack?.({ ok: true });
      } catch (err) {
        ack?.(fail(err));
      }
    });
    socket.on("watch", async ({ conversationId } = { conversationId: "" }, ack) => {
      try {
        const conv = await conversationOf(ctx, conversationId);
        await member(conv.workspaceId);
        await socket.join(`cnv:${conversationId}`);
        ack?.({ ok: true });
      } catch (err) {
        ack?.(fail(err));
      }
    });
    socket.on("unwatch", ({ conversationId } = { conversationId: "" }) => {
      void socket.leave(`cnv:${conversationId}`);
    });
    socket.on("typing", ({ conversationId, typing } = { conversationId: "", typing: false }) => {
      // Only to a conversation this socket watches (membership was checked there).
      if (!socket.rooms.has(`cnv:${conversationId}`)) return;
      if (!relayTyping(socket.data, !!typing)) return;
      const e = { conversationId, who: "operator" as const, userId: socket.data.userId, typing: !!typing };
      socket.to(`cnv:${conversationId}`).emit("typing", e);
      visitor.to(`visitor:${conversationId}`).emit("typing", { typing: !!typing });
    });
    socket.on("disconnect", () => {
      for (const workspaceId of socket.data.workspaces) {
        stillOnline(inbox, workspaceId, socket.data.userId)
          .then((online) => {
            if (!online) {
              inbox
                .to(`ws:${workspaceId}`)
                .emit("presence", { workspaceId, userId: socket.data.userId, online: false });
            }
          })
          // Shutting down, or Redis away: nobody is left to tell, and presence heals on reconnect.
          .catch(() => {});
      }
    });
  });

  visitor.use(async (socket, next) => {
    try {
      const token = socket.handshake.auth?.token;
      if (typeof token !== "string" || token.length < 20) return next(new Error("UNAUTHENTICATED"));
      const [conv] = await ctx.db
        .select({
          id: conversations.id,
          workspaceId: conversations.workspaceId,
          allowedOrigins: agents.allowedOrigins,
        })
        .from(conversations)
        .innerJoin(agents, eq(agents.id, conversations.agentId))
        .where(
          and(
            eq(conversations.visitorTokenHash, hashVisitorToken(token)),
            gt(conversations.visitorTokenExpiresAt, ctx.clock.now()),
          ),
        );
      if (!conv) return next(new Error("UNAUTHENTICATED"));
      // The same rule as the visitor API: an agent limited to some websites answers only there.
      if (!originAllowed(conv.allowedOrigins, socket.handshake.headers.origin)) {
        return next(new Error("ORIGIN_NOT_ALLOWED"));
      }
      socket.data = { workspaceId: conv.workspaceId, conversationId: conv.id, typingWindow: [] };
      next();
    } catch {
      next(new Error("UNAUTHENTICATED"));
    }
  });
  visitor.on(
    "connection",
    (socket: Socket<VisitorClientEvents, VisitorServerEvents, Record<string, never>, VisitorData>) => {
      void socket.join(`visitor:${socket.data.conversationId}`);
      socket.on("typing", ({ typing } = { typing: false }) => {
        if (!relayTyping(socket.data, !!typing)) return;
        inbox
          .to(`cnv:${socket.data.conversationId}`)
          .emit("typing", { conversationId: socket.data.conversationId, who: "visitor", typing: !!typing });
      });
    },
  );

  let open = true;
  forwardDomainEvents(ctx, inbox, visitor, () => open);

  app.addHook("onClose", async () => {
    // Events still come from work finishing after close (a turn, a job): nothing more is sent.
    open = false;
    await io.close();
    // QUIT after the adapter's last commands (its unsubscribe is still in flight when close()
    // returns); a hard disconnect would reject them with nobody to catch it.
    await Promise.allSettled([pub?.quit(), sub?.quit()]);
  });

  return {
    io,
    inbox,
    visitor,
    async onlineUserIds(workspaceId) {
      const sockets = await inbox.in(`ws:${workspaceId}`).fetchSockets();
      return [...new Set(sockets.map((s) => s.data.userId))];
    },
  };
}

/**
 * "Typing" is relayed at most five times a second per socket, so a client cannot flood a room with
 * it; "stopped" always goes through.
 */
const TYPING_WINDOW_MS = 1000;
const TYPING_PER_WINDOW = 5;
function relayTyping(data: { typingWindow: number[] }, typing: boolean): boolean {
  if (!typing) return true;
  const now = Date.now();
  data.typingWindow = data.typingWindow.filter((t) => now - t < TYPING_WINDOW_MS);
  if (data.typingWindow.length >= TYPING_PER_WINDOW) return false;
  data.typingWindow.push(now);
  return true;
}

async function stillOnline(inbox: InboxNamespace, workspaceId: string, userId: string): Promise<boolean> {
  const sockets = await inbox.in(`ws:${workspaceId}`).fetchSockets();
  return sockets.some((s) => s.data.userId === userId);
}

async function conversationOf(ctx: AppContext, conversationId: unknown) {
  if (typeof conversationId !== "string" || !conversationId) {
    throw new AppError("BAD_REQUEST", "conversationId is required");
  }
  const [conv] = await ctx.db
    .select({ workspaceId: conversations.workspaceId })
    .from(conversations)
    .where(eq(conversations.id, conversationId));
  if (!conv) throw new AppError("NOT_FOUND", "Conversation not found");
  return conv;
}

/** Domain events of this node → the sockets that should hear them, on every node. */
function forwardDomainEvents(
  ctx: AppContext,
  inbox: InboxNamespace,
  visitor: VisitorNamespace,
  isOpen: () => boolean,
): void {
  const ws = (id: string) => inbox.to(`ws:${id}`);
  const on: typeof ctx.events.on = (name, handler) =>
    ctx.events.on(name, (e) => {
      if (isOpen()) handler(e);
    });
  on("conversation.created", (e) => ws(e.workspaceId).emit("conversation.created", strip(e)));
  on("conversation.updated", (e) => {
    ws(e.workspaceId).emit("conversation.updated", strip(e));
    visitor.to(`visitor:${e.conversationId}`).emit("status", { status: e.status });
  });
  on("message.created", (e) => ws(e.workspaceId).emit("message.created", strip(e)));
  on("message.streaming", (e) =>
    inbox
      .to(`cnv:${e.conversationId}`)
      .emit("message.delta", { conversationId: e.conversationId, text: e.text }),
  );
  on("message.posted", (e) => {
    ws(e.workspaceId).emit("message", e.message);
    if (e.message.role === "operator")
      visitor.to(`visitor:${e.message.conversationId}`).emit("message", e.message);
  });
  on("conversation.handoff_requested", (e) => ws(e.workspaceId).emit("handoff.requested", strip(e)));
  on("lead.captured", (e) =>
    ws(e.workspaceId).emit("lead.captured", {
      workspaceId: e.workspaceId,
      leadId: e.leadId,
      conversationId: e.conversationId,
    }),
  );
  on("lead.updated", (e) =>
    ws(e.workspaceId).emit("lead.updated", { workspaceId: e.workspaceId, leadId: e.leadId }),
  );
  on("knowledge.source_status", (e) => ws(e.workspaceId).emit("knowledge.source_status", strip(e)));
  on("knowledge.source_progress", (e) => ws(e.workspaceId).emit("knowledge.source_progress", strip(e)));
  on("billing.quota_alert", (e) =>
    ws(e.workspaceId).emit("billing.quota_alert", {
      workspaceId: e.workspaceId,
      threshold: e.threshold,
      used: e.used,
      max: e.max,
    }),
  );
  on("billing.subscription_changed", (e) => ws(e.workspaceId).emit("billing.subscription_changed", strip(e)));
}

/** The event without its `type` (the socket event name says it). */
function strip<T extends { type: string }>(e: T): Omit<T, "type"> {
  const { type: _type, ...rest } = e;
  return rest;
}
