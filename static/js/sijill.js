// Progressive enhancement only: every feature works without this file.
document.addEventListener("keydown", (e) => {
  const t = e.target;
  if (e.key === "/" && !(t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement)) {
    const q = document.getElementById("q");
    if (q) { e.preventDefault(); q.focus(); }
  }
});
