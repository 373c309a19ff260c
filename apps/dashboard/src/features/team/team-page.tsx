export { ComingSoonPage as TeamPage } from "../shell/coming-soon.tsx";
