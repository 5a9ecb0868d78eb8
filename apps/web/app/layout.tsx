import type { ReactNode } from "react";

export const metadata = { title: "UniLIP Chat" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
