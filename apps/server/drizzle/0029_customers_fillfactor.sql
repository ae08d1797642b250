-- Room on each page of customers for an updated row's new version: an update that changes no indexed
-- column (importance from the analytics tier, notes, tags…) can then stay on its page as a HOT update
-- instead of inserting into each of the table's 20 indexes (3 of them GIN). 1,000 importance updates
-- took ~850 ms on packed pages and 36 ms with the room (bench/analytics-refresh/notes.md). Pages
-- written from now on keep it; existing packed pages get it when the table is rewritten.
ALTER TABLE "customers" SET (fillfactor = 90);
