export { ComingSoonPage as ApiKeysPage } from "../shell/coming-soon.tsx";
