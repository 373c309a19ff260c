export { ComingSoonPage as KnowledgePage } from "../shell/coming-soon.tsx";
