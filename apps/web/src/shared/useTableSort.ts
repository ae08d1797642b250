// The sort of a server-sorted table, as the API takes it (`field` or `-field`), kept in state and
// driven by antd's column headers: a header click sets it, a third click clears it (back to `initial`).
import { useState } from 'react';
import type { TableProps } from 'antd';
import type { SortOrder } from 'antd/es/table/interface';

/** The API field of a column key, or undefined when the column does not sort on the server. */
type FieldOf = readonly string[] | ((columnKey: string) => string | undefined);

export function useTableSort<T>(sortable: FieldOf, initial?: string) {
  const [sort, setSort] = useState<string | undefined>(initial);
  const fieldOf = (key: string) => (typeof sortable === 'function' ? sortable(key) : sortable.find((f) => f === key));
  /** The header arrow of an API field. */
  const sortOrder = (field: string): SortOrder => (sort === field ? 'ascend' : sort === `-${field}` ? 'descend' : null);
  const onChange: TableProps<T>['onChange'] = (_p, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const field = typeof s?.columnKey === 'string' ? fieldOf(s.columnKey) : undefined;
    setSort(field && s?.order ? (s.order === 'descend' ? `-${field}` : field) : initial);
  };
  return { sort, setSort, sortOrder, onChange };
}
