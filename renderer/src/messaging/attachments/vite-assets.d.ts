// What Vite gives the PDF viewer's `?url` imports (pdf-document.ts): the bundled file's URL,
// under 'self'. The renderer does not load Vite's client types as a whole.
declare module '*?url' {
  const url: string;
  export default url;
}
