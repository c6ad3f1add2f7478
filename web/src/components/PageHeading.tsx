import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The page's h1. It takes focus when the page mounts, so keyboard and screen-reader users land on the
 * new page after navigating instead of at the top of the document.
 */
export function PageHeading({ children, description, actions }: { children: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, []);
  useEffect(() => {
    document.title = typeof children === 'string' ? `${children} · Sluice` : 'Sluice';
  }, [children]);
  return (
    <div className="page-head">
      <div>
        <h1 ref={ref} tabIndex={-1} className="page-title">
          {children}
        </h1>
        {description && <p className="page-desc">{description}</p>}
      </div>
      {actions && <div className="page-head__actions">{actions}</div>}
    </div>
  );
}
