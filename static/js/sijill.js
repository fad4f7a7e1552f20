// Progressive enhancement only: every feature works without this file.
document.addEventListener("keydown", (e) => {
  const t = e.target;
  if (e.key === "/" && !(t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement)) {
    const q = document.getElementById("q");
    if (q) { e.preventDefault(); q.focus(); }
  }
});

// Copy buttons (hidden without JavaScript; the text stays selectable in its field).
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(field.value || field.textContent).then(() => {
      const label = button.textContent;
      button.textContent = "نُسخ";
      setTimeout(() => { button.textContent = label; }, 1500);
    });
  });
});
