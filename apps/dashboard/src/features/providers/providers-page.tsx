export { ComingSoonPage as ProvidersPage } from "../shell/coming-soon.tsx";
