// A customer's tags as coloured chips; the colour may be a hex value or an antd preset name.
import { Tag } from 'antd';

export function TagList({ tags }: { tags: ReadonlyArray<{ id: number; name: string; color: string | null }> }) {
  return (
    <>
      {tags.map((tag) => (
        <Tag key={tag.id} color={tag.color ?? 'geekblue'} style={{ marginInlineEnd: 4 }}>
          {tag.name}
        </Tag>
      ))}
    </>
  );
}
