export { ComingSoonPage as BillingPage } from "../shell/coming-soon.tsx";
