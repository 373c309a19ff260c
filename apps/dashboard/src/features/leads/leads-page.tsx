export { ComingSoonPage as LeadsPage } from "../shell/coming-soon.tsx";
