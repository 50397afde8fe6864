import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/lib/useAsync';
import { mttrApiRef } from '../../api';

/** The recovery definitions, loaded once per view. */
export function useDefinitions() {
  const api = useApi(mttrApiRef);
  return useAsync(() => api.getDefinitions(), [api]);
}
