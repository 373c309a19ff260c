import type { QueryClient } from "@tanstack/react-query";
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from "@tanstack/react-router";
import { NotFound } from "./features/shell/not-found.tsx";
import { sessionQuery, workspacesQuery } from "./lib/session.ts";

// Code-based routes: the tree (paths, guards) is in the first bundle; every screen is its own
// chunk, loaded when its route matches.

type Ctx = { queryClient: QueryClient };
const lazy = lazyRouteComponent;

const root = createRootRouteWithContext<Ctx>()({
  component: Outlet,
  notFoundComponent: NotFound,
});

/** "/" sends each person where they belong: sign in, create a workspace, or their agents. */
const index = createRoute({
  getParentRoute: () => root,
  path: "/",
  beforeLoad: async ({ context }) => {
    const session = await context.queryClient.fetchQuery(sessionQuery);
    if (!session) throw redirect({ to: "/sign-in" });
    const workspaces = await context.queryClient.fetchQuery(workspacesQuery);
    const last = localStorage.getItem("minichat.workspace");
    const ws = workspaces.find((w) => w.id === last) ?? workspaces[0];
    if (!ws) throw redirect({ to: "/workspaces/new" });
    throw redirect({ to: "/w/$workspaceId/agents", params: { workspaceId: ws.id } });
  },
});

// ── Signed out ────────────────────────────────────────────────────────────────────────────────
const authLayout = createRoute({
  getParentRoute: () => root,
  id: "auth",
  component: lazy(() => import("./features/auth/auth-layout.tsx"), "AuthLayout"),
});
const searchString = (v: unknown) => (typeof v === "string" && v ? v : undefined);
const signIn = createRoute({
  getParentRoute: () => authLayout,
  path: "/sign-in",
  validateSearch: (s: Record<string, unknown>): { redirect?: string | undefined } => ({
    redirect: safeRedirect(s.redirect),
  }),
  component: lazy(() => import("./features/auth/sign-in.tsx"), "SignInPage"),
});
/** The second step of a sign-in when two-factor authentication is on. */
const twoFactor = createRoute({
  getParentRoute: () => authLayout,
  path: "/two-factor",
  validateSearch: (s: Record<string, unknown>): { redirect?: string | undefined } => ({
    redirect: safeRedirect(s.redirect),
  }),
  component: lazy(() => import("./features/auth/two-factor.tsx"), "TwoFactorPage"),
});
const signUp = createRoute({
  getParentRoute: () => authLayout,
  path: "/sign-up",
  component: lazy(() => import("./features/auth/sign-up.tsx"), "SignUpPage"),
});
const verifyEmail = createRoute({
  getParentRoute: () => authLayout,
  path: "/verify-email",
  validateSearch: (s: Record<string, unknown>) => ({ email: searchString(s.email) }),
  component: lazy(() => import("./features/auth/verify-email.tsx"), "VerifyEmailPage"),
});
const forgotPassword = createRoute({
  getParentRoute: () => authLayout,
  path: "/forgot-password",
  component: lazy(() => import("./features/auth/forgot-password.tsx"), "ForgotPasswordPage"),
});
const resetPassword = createRoute({
  getParentRoute: () => authLayout,
  path: "/reset-password",
  validateSearch: (s: Record<string, unknown>) => ({
    token: searchString(s.token),
    error: searchString(s.error),
  }),
  component: lazy(() => import("./features/auth/reset-password.tsx"), "ResetPasswordPage"),
});

// ── Signed in ─────────────────────────────────────────────────────────────────────────────────
const signedIn = createRoute({
  getParentRoute: () => root,
  id: "signed-in",
  beforeLoad: async ({ context, location }) => {
    const session = await context.queryClient.fetchQuery(sessionQuery);
    if (!session) throw redirect({ to: "/sign-in", search: { redirect: location.href } });
    return { session };
  },
  component: Outlet,
});
const newWorkspace = createRoute({
  getParentRoute: () => signedIn,
  path: "/workspaces/new",
  component: lazy(() => import("./features/workspaces/create-workspace.tsx"), "CreateWorkspacePage"),
});
const invitation = createRoute({
  getParentRoute: () => signedIn,
  path: "/invitations/$invitationId",
  component: lazy(() => import("./features/invitations/accept-invitation.tsx"), "AcceptInvitationPage"),
});
const workspace = createRoute({
  getParentRoute: () => signedIn,
  path: "/w/$workspaceId",
  beforeLoad: ({ params }) => {
    localStorage.setItem("minichat.workspace", params.workspaceId);
  },
  component: lazy(() => import("./features/shell/app-shell.tsx"), "AppShell"),
});
const workspaceIndex = createRoute({
  getParentRoute: () => workspace,
  path: "/",
  beforeLoad: ({ params }) => {
    throw redirect({ to: "/w/$workspaceId/agents", params });
  },
});
const agents = createRoute({
  getParentRoute: () => workspace,
  path: "/agents",
  component: lazy(() => import("./features/agents/agents-page.tsx"), "AgentsPage"),
});
const newAgent = createRoute({
  getParentRoute: () => workspace,
  path: "/agents/new",
  component: lazy(() => import("./features/agents/agent-editor.tsx"), "NewAgentPage"),
});
const agent = createRoute({
  getParentRoute: () => workspace,
  path: "/agents/$agentId",
  component: lazy(() => import("./features/agents/agent-editor.tsx"), "EditAgentPage"),
});
const settings = createRoute({
  getParentRoute: () => workspace,
  path: "/settings",
  component: lazy(() => import("./features/settings/settings-page.tsx"), "SettingsPage"),
});

const knowledge = createRoute({
  getParentRoute: () => workspace,
  path: "/knowledge",
  component: lazy(() => import("./features/knowledge/knowledge-page.tsx"), "KnowledgePage"),
});
// One lazy component for both inbox routes, so opening a conversation keeps the list mounted.
const InboxPage = lazy(() => import("./features/inbox/inbox-page.tsx"), "InboxPage");
const inbox = createRoute({ getParentRoute: () => workspace, path: "/inbox", component: InboxPage });
const inboxConversation = createRoute({
  getParentRoute: () => workspace,
  path: "/inbox/$conversationId",
  component: InboxPage,
});
const leads = createRoute({
  getParentRoute: () => workspace,
  path: "/leads",
  component: lazy(() => import("./features/leads/leads-page.tsx"), "LeadsPage"),
});
const team = createRoute({
  getParentRoute: () => workspace,
  path: "/team",
  component: lazy(() => import("./features/team/team-page.tsx"), "TeamPage"),
});
const apiKeys = createRoute({
  getParentRoute: () => workspace,
  path: "/api-keys",
  component: lazy(() => import("./features/api-keys/api-keys-page.tsx"), "ApiKeysPage"),
});
const providers = createRoute({
  getParentRoute: () => workspace,
  path: "/providers",
  component: lazy(() => import("./features/providers/providers-page.tsx"), "ProvidersPage"),
});
const usage = createRoute({
  getParentRoute: () => workspace,
  path: "/usage",
  component: lazy(() => import("./features/usage/usage-page.tsx"), "UsagePage"),
});
const billing = createRoute({
  getParentRoute: () => workspace,
  path: "/billing",
  component: lazy(() => import("./features/billing/billing-page.tsx"), "BillingPage"),
});

/** Links in emails say /workspaces/<id>/…: the same screens under /w/<id>/…. */
const emailLinks = createRoute({
  getParentRoute: () => signedIn,
  path: "/workspaces/$workspaceId/$",
  beforeLoad: ({ params, location }) => {
    throw redirect({ href: `/w/${params.workspaceId}/${params._splat ?? ""}${location.searchStr}` });
  },
});

const routeTree = root.addChildren([
  index,
  authLayout.addChildren([signIn, twoFactor, signUp, verifyEmail, forgotPassword, resetPassword]),
  signedIn.addChildren([
    newWorkspace,
    invitation,
    emailLinks,
    workspace.addChildren([
      workspaceIndex,
      agents,
      newAgent,
      agent,
      knowledge,
      inbox,
      inboxConversation,
      leads,
      team,
      apiKeys,
      providers,
      usage,
      billing,
      settings,
    ]),
  ]),
]);

/** Only a path on this site may be a redirect target (no open redirects). */
function safeRedirect(v: unknown): string | undefined {
  return typeof v === "string" && v.startsWith("/") && !v.startsWith("//") ? v : undefined;
}

export function makeRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: "intent",
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
}
