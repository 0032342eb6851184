-- The DLCS tables both schema generations share
-- (shared/reference/dlcs-schema.md), with the full width of "Images" so
-- scans cost what they cost in production.  Apply it before
-- schema-2026.sql or schema-legacy.sql.
CREATE TABLE "Customers" (
    "Id" int PRIMARY KEY, "Name" varchar(500) NOT NULL,
    "DisplayName" varchar(500) NOT NULL, "Keys" varchar(1000) NOT NULL,
    "Administrator" bool NOT NULL, "Created" timestamptz NOT NULL,
    "AcceptedAgreement" bool NOT NULL);

CREATE TABLE "Spaces" (
    "Id" int NOT NULL, "Customer" int NOT NULL, "Name" varchar(500) NOT NULL,
    "Created" timestamptz NOT NULL, "ImageBucket" varchar(500) NOT NULL,
    "Tags" varchar(1000) NOT NULL, "Roles" varchar(1000) NOT NULL,
    "Keep" bool NOT NULL, "Transform" bool NOT NULL,
    "MaxUnauthorised" int NOT NULL, PRIMARY KEY ("Id", "Customer"));

CREATE TABLE "EntityCounters" (
    "Type" varchar(100) NOT NULL, "Scope" varchar(100) NOT NULL,
    "Customer" int NOT NULL, "Next" bigint NOT NULL,
    PRIMARY KEY ("Type", "Scope", "Customer"));

CREATE TABLE "Images" (
    "Id" varchar(500) PRIMARY KEY, "Customer" int NOT NULL,
    "Space" int NOT NULL, "Created" timestamptz NOT NULL,
    "Origin" varchar(1000) NOT NULL, "Tags" varchar(1000) NOT NULL,
    "Roles" varchar(1000) NOT NULL, "PreservedUri" varchar(1000) NOT NULL,
    "Reference1" varchar(500) NOT NULL, "Reference2" varchar(500) NOT NULL,
    "Reference3" varchar(500) NOT NULL, "MaxUnauthorised" int NOT NULL,
    "NumberReference1" int NOT NULL, "NumberReference2" int NOT NULL,
    "NumberReference3" int NOT NULL, "Width" int NOT NULL,
    "Height" int NOT NULL, "Error" varchar(1000) NOT NULL,
    "Batch" int NOT NULL, "Finished" timestamptz NULL,
    "Ingesting" bool NOT NULL, "ImageOptimisationPolicy" varchar(500) NOT NULL,
    "ThumbnailPolicy" varchar(500) NOT NULL, "Family" char(1) NOT NULL,
    "MediaType" varchar(100) NOT NULL, "Duration" bigint NOT NULL,
    "NotForDelivery" bool NOT NULL, "DeliveryChannels" varchar(500) NOT NULL,
    "Manifests" text[] NULL, "MaxWidth" int NULL, "OpenFullMax" int NULL);
CREATE INDEX "IX_ImagesBySpace" ON "Images" ("Customer", "Space");
CREATE INDEX "IX_ImagesByCustomerSpace" ON "Images" ("Id", "Customer", "Space");
