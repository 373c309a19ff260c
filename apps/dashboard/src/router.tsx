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

/** Sections whose screens are not built yet: a translated notice pointing to the API. */
export const COMING_SOON = ["knowledge", "inbox", "leads", "team", "api-keys", "usage", "billing"] as const;
const comingSoon = COMING_SOON.map((section) =>
  createRoute({
    getParentRoute: () => workspace,
    path: `/${section}`,
    staticData: { section },
    component: lazy(() => import("./features/shell/coming-soon.tsx"), "ComingSoonPage"),
  }),
);

const routeTree = root.addChildren([
  index,
  authLayout.addChildren([signIn, signUp, verifyEmail, forgotPassword, resetPassword]),
  signedIn.addChildren([
    newWorkspace,
    invitation,
    workspace.addChildren([workspaceIndex, agents, newAgent, agent, settings, ...comingSoon]),
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
  interface StaticDataRouteOption {
    section?: string;
  }
}
