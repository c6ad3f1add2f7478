import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, messageOf } from '../api/client';
import { keys } from '../api/queries';
import { Notice } from '../components/Notice';

/** Email + password; on success the session cookie is set and the console loads. */
export function LoginPage() {
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const emailRef = useRef<HTMLInputElement>(null);
  const login = useMutation({
    mutationFn: () => api('/v1/auth/login', { body: { email: email.trim(), password } }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.me }),
  });
  useEffect(() => emailRef.current?.focus(), []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };

  return (
    <main className="auth-shell">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <div className="brand brand--lg" aria-hidden="true">
          <span className="brand__mark" />
          Sluice
        </div>
        <h1 id="login-title" className="auth-title">
          Sign in to export your data
        </h1>
        <div className="field">
          <label htmlFor="login-email">Email</label>
          <input ref={emailRef} id="login-email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input id="login-password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <div className="reserve-2">{login.isError && <Notice tone="error">{messageOf(login.error)}</Notice>}</div>
        <button type="submit" className="btn btn--primary btn--block" disabled={login.isPending || !email || !password}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
