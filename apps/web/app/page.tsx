import { ChatApp } from "../components/ChatApp.tsx";

export default function Home() {
  return <ChatApp />;
}
