import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ConfirmProvider } from "./components/ui/confirm.tsx";
import { Toaster, toast } from "./components/ui/toast.tsx";
import { i18n, initI18n } from "./i18n/index.ts";
import { ApiError } from "./lib/api.ts";
import { connection } from "./lib/connection.ts";
import { applyTheme, watchSystemTheme } from "./lib/theme.ts";
import { makeRouter } from "./router.tsx";
import "./styles.css";

applyTheme();
watchSystemTheme();
initI18n();

// Better Auth answers a wrong second-factor code with 401 too; that is not an expired session.
const NOT_SESSION_401 = new Set(["INVALID_CODE", "INVALID_BACKUP_CODE", "INVALID_TWO_FACTOR_COOKIE"]);

// An expired session anywhere sends the person to sign in, then back to where they were.
function onError(error: unknown) {
  if (
    error instanceof ApiError &&
    error.status === 401 &&
    !NOT_SESSION_401.has(error.code) &&
    !location.pathname.startsWith("/sign-in")
  ) {
    queryClient.setQueryData(["session"], null);
    void router.navigate({ to: "/sign-in", search: { redirect: location.pathname + location.search } });
  }
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      retry: (count, error) =>
        !(error instanceof ApiError && error.status > 0 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});
const router = makeRouter(queryClient);
// Fetch the code of the screen being opened now, alongside the session check the route guards
// wait for, rather than after it (one round trip less before the first screen).
for (const match of router.matchRoutes(location.pathname, {})) {
  const route = (router.routesById as Record<string, Parameters<typeof router.loadRouteChunk>[0]>)[
    match.routeId
  ];
  if (route) void router.loadRouteChunk(route)?.catch(() => undefined);
}
connection.onRestored(() => {
  void queryClient.invalidateQueries();
  toast.success(i18n.t("connection.restored"));
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ConfirmProvider>
        <RouterProvider router={router} />
      </ConfirmProvider>
      <Toaster />
    </QueryClientProvider>
  </StrictMode>,
);
