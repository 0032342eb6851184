-- The DLCS tables these jobs read and write, legacy generation (before the 2026 migrations)
-- (shared/reference/dlcs-schema.md), after schema-common.sql.

CREATE TABLE "ImageStorage" (
    "Id" varchar(500) NOT NULL, "Customer" int NOT NULL, "Space" int NOT NULL,
    "ThumbnailSize" bigint NOT NULL, "Size" bigint NOT NULL,
    "LastChecked" timestamptz NULL, "CheckingInProgress" bool NOT NULL,
    PRIMARY KEY ("Id", "Customer", "Space"));
CREATE INDEX "IX_ImageStorageByCustomerSpace"
    ON "ImageStorage" ("Customer", "Space", "Id");

CREATE TABLE "CustomerStorage" (
    "Customer" int NOT NULL, "Space" int NOT NULL,
    "StoragePolicy" varchar(500) NULL,
    "NumberOfStoredImages" bigint NOT NULL,
    "TotalSizeOfStoredImages" bigint NOT NULL,
    "TotalSizeOfThumbnails" bigint NOT NULL,
    "LastCalculated" timestamptz NULL,
    PRIMARY KEY ("Customer", "Space"));
