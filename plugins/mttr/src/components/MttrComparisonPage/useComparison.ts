import { useEffect, useRef, useState } from 'react';
import {
  ComparisonChoices,
  ComparisonPoint,
  ComparisonResponse,
} from '@mttr-backstage/plugin-mttr-common';
import { ComparisonQuery, MttrApi } from '../../api';

/** What the comparison page shows, as the backend last answered it. */
export interface ComparisonView {
  /**
   * The last page the backend sent. While `busy`, it is the page of the
   * previous query: the table keeps it until the new one arrives.
   */
  page?: ComparisonResponse;
  /** The filter choices of the window, definition and severity. */
  choices?: ComparisonChoices;
  /** The scatter's points: every row that passes the filters. */
  points?: ComparisonPoint[];
  /** A read for the current query is on its way. */
  busy: boolean;
  error?: Error;
}

interface Held<T> {
  key: string;
  value: T;
}

/**
 * Reads the comparison from the backend, one request per change of the
 * query: the page of rows always; the filter choices only when `keys.choices`
 * changed since they were last read (window, definition, severity), and
 * the points only when `keys.points` did (the filters), so that a sort
 * click or a turn of the page asks for one page of rows and nothing else.
 * An answer to a query that has since changed is dropped.
 */
export function useComparison(
  api: MttrApi,
  query: Omit<ComparisonQuery, 'include'>,
  keys: { choices: string; points: string },
): ComparisonView {
  const pageKey = JSON.stringify(query);
  const [state, setState] = useState<{
    key?: string;
    page?: ComparisonResponse;
    error?: Error;
  }>({});
  const choices = useRef<Held<ComparisonChoices>>();
  const points = useRef<Held<ComparisonPoint[]>>();

  useEffect(() => {
    let current = true;
    const include: Array<'choices' | 'points'> = [];
    if (choices.current?.key !== keys.choices) {
      include.push('choices');
    }
    if (points.current?.key !== keys.points) {
      include.push('points');
    }
    api.getComparison({ ...query, include }).then(
      response => {
        if (!current) {
          return;
        }
        if (response.choices) {
          choices.current = { key: keys.choices, value: response.choices };
        }
        if (response.points) {
          points.current = { key: keys.points, value: response.points };
        }
        setState({ key: pageKey, page: response });
      },
      error => {
        if (current) {
          setState(s => ({ ...s, key: pageKey, error }));
        }
      },
    );
    return () => {
      current = false;
    };
    // The query is its key: a new object with the same values asks nothing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, pageKey, keys.choices, keys.points]);

  return {
    page: state.page,
    choices: choices.current?.value,
    points: points.current?.value,
    busy: state.key !== pageKey,
    error: state.key === pageKey ? state.error : undefined,
  };
}
