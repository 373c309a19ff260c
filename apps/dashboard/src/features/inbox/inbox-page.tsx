export { ComingSoonPage as InboxPage } from "../shell/coming-soon.tsx";
