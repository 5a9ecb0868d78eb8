import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";
import "./styles/messages.css";
import "./styles/images.css";
import "./styles/composer.css";
// Last: its phone rules override the component rules above.
import "./styles/layout.css";

export const metadata: Metadata = {
  title: "UniLIP Chat",
  description: "Understand, draw and edit images with one small UniLIP model.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
