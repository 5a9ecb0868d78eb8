export default function Home() {
  return (
    <main>
      <h1>UniLIP Chat</h1>
      <p>Understand, draw and edit images with one model.</p>
    </main>
  );
}
