export { ComingSoonPage as UsagePage } from "../shell/coming-soon.tsx";
