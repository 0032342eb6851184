-- Test helpers loaded after the schema: full-width rows made set-based, so
-- fixtures stay short and the generator stays fast.  Not part of DLCS.

-- n images of (c, s) named {c}/{s}/{prefix}{1..n}.
CREATE FUNCTION test_add_images(c int, s int, n int, prefix text DEFAULT 'img')
RETURNS void LANGUAGE sql AS $$
    INSERT INTO "Images"
    SELECT c || '/' || s || '/' || prefix || g, c, s,
           timestamptz '2025-01-01' + g * interval '1 second',
           'https://origin.example/' || c || '/' || s || '/' || prefix || g,
           'tag-a,tag-b', '', '', 'reference-one-' || g, 'reference-two', '',
           -1, g, 0, 0, 1024 + g % 2048, 768 + g % 1024, '', g % 100,
           timestamptz '2025-01-01 00:10', false, 'fast-higher',
           'default', 'I', 'image/jpeg', 0, false, 'iiif-img,thumbs',
           ARRAY['manifest-1'], NULL, NULL
      FROM generate_series(1, n) g
$$;

-- A "Spaces" row.
CREATE FUNCTION test_add_space(c int, s int) RETURNS void LANGUAGE sql AS $$
    INSERT INTO "Spaces" VALUES (s, c, 'space ' || s, timestamptz '2025-01-01',
        'bucket', '', '', false, false, -1)
$$;
