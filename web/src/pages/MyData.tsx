import type { Me } from '@contract/auth';
import { PageHeading } from '../components/PageHeading';

/** A person's own account data (GDPR Art. 15/20), downloaded straight from `/api/export`. */
export function MyDataPage({ me }: { me: Me }) {
  return (
    <>
      <PageHeading description="A copy of the data this platform keeps about you, as one JSON file.">My data</PageHeading>
      <section className="card mydata">
        <p>The file contains your profile, your agents, your scheduled tasks and your workflows in {me.org.name}.</p>
        <ul className="bullets muted">
          <li>It is generated now, from the current data, and downloaded directly: nothing is stored.</li>
          <li>It is readable JSON you can keep or take to another service.</li>
        </ul>
        <a className="btn btn--primary btn--lg" href="/api/export" download data-testid="download-my-data">
          Download my data
        </a>
      </section>
    </>
  );
}
