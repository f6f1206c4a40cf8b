"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import { useDebouncedValue } from "./use-debounced-value";

export interface NavigateOptions {
  /** Replace the history entry instead of adding one (the back button skips it). */
  replace?: boolean;
}

/**
 * A page's state kept in its URL query: `state` is read from the URL; `update` computes the
 * next state from the current URL (never from a stale render) and navigates to it, adding a
 * history entry, so the back button restores the previous state and a reload keeps it.
 */
export function useUrlState<S>(
  parse: (params: URLSearchParams) => S,
  serialize: (state: S) => string,
) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const state = useMemo(() => parse(new URLSearchParams(params.toString())), [params, parse]);

  const update = useCallback(
    (next: (current: S) => S, { replace = false }: NavigateOptions = {}) => {
      const current = new URLSearchParams(window.location.search);
      const query = serialize(next(parse(current)));
      if (query === current.toString()) return;
      const url = query ? `${pathname}?${query}` : pathname;
      if (replace) router.replace(url, { scroll: false });
      else router.push(url, { scroll: false });
    },
    [parse, serialize, pathname, router],
  );

  return [state, update] as const;
}

/**
 * A text box bound to a value in the URL: what the user types is committed `delayMs` after
 * they stop typing; a change of the URL (the back button) shows in the box.
 */
export function useUrlBoundText(
  urlValue: string,
  commit: (value: string) => void,
  delayMs = 300,
) {
  const [text, setText] = useState(urlValue);
  const committed = useRef(urlValue);
  const commitRef = useRef(commit);
  commitRef.current = commit;

  useEffect(() => {
    if (urlValue !== committed.current) {
      committed.current = urlValue;
      setText(urlValue);
    }
  }, [urlValue]);

  const settled = useDebouncedValue(text, delayMs);
  useEffect(() => {
    const value = settled.trim();
    if (value !== committed.current) {
      committed.current = value;
      commitRef.current(value);
    }
  }, [settled]);

  return [text, setText] as const;
}
