/** What a member sees on an admin-only page (Drains, Schedules): who can, instead of an error. */
export function AdminOnly({ title, body }: { title: string; body: string }) {
  return (
    <section className="card empty">
      <h1 className="page-title">{title}</h1>
      <p className="muted">{body}</p>
    </section>
  );
}
