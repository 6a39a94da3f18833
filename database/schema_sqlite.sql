-- ConvAI warehouse schema (SQLite): the logical schema of DESIGN.md, the same on every engine
-- (database/schema_duckdb.sql is its DuckDB twin; keep them in step).
--
-- SQLite has no DATE, TIMESTAMP, DECIMAL or BOOLEAN storage: the declared names are kept
-- because the driver reads each result column's declared type to type results. Dates are
-- 'YYYY-MM-DD' text, DECIMAL(p,s) columns have NUMERIC affinity (stored as INTEGER or
-- REAL, re-scaled on read), booleans are 0/1.
-- Secondary sales (distributor -> retailer) and primary sales (company -> distributor)
-- around conformed dimensions. Amounts are exact DECIMALs in rupees.

CREATE TABLE dim_date (
    date_key      INTEGER PRIMARY KEY,          -- yyyymmdd
    full_date     DATE NOT NULL UNIQUE,
    day_of_week   SMALLINT NOT NULL CHECK (day_of_week BETWEEN 1 AND 7),  -- 1 = Monday
    day_name      VARCHAR NOT NULL,
    week_of_year  SMALLINT NOT NULL,            -- ISO week
    month         SMALLINT NOT NULL CHECK (month BETWEEN 1 AND 12),
    month_name    VARCHAR NOT NULL,
    quarter       SMALLINT NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    year          SMALLINT NOT NULL,
    is_weekend    BOOLEAN NOT NULL
);

CREATE TABLE dim_product (
    product_id      INTEGER PRIMARY KEY,
    sku             VARCHAR NOT NULL UNIQUE,
    product_name    VARCHAR NOT NULL,
    brand           VARCHAR NOT NULL,
    category        VARCHAR NOT NULL,
    sub_category    VARCHAR NOT NULL,
    unit_price      DECIMAL(12, 2) NOT NULL,
    unit_weight     DECIMAL(10, 3),             -- kg
    unit_volume     DECIMAL(10, 3),             -- litres
    unit_of_measure VARCHAR NOT NULL,
    launch_date     DATE,
    is_active       BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE dim_account (
    account_id     INTEGER PRIMARY KEY,
    account_name   VARCHAR NOT NULL,
    account_type   VARCHAR NOT NULL CHECK (account_type IN ('Distributor', 'Super Stockist')),
    city           VARCHAR NOT NULL,
    state          VARCHAR NOT NULL,
    zone           VARCHAR NOT NULL CHECK (zone IN ('North', 'South', 'East', 'West', 'Central')),
    credit_limit   DECIMAL(14, 2),
    onboarded_date DATE
);

CREATE TABLE dim_customer (
    customer_id    INTEGER PRIMARY KEY,
    customer_name  VARCHAR NOT NULL,
    customer_type  VARCHAR NOT NULL
        CHECK (customer_type IN ('General Trade', 'Modern Trade', 'Wholesale', 'HoReCa', 'E-commerce')),
    city           VARCHAR NOT NULL,
    state          VARCHAR NOT NULL,
    zone           VARCHAR NOT NULL CHECK (zone IN ('North', 'South', 'East', 'West', 'Central')),
    account_id     INTEGER NOT NULL,            -- the serving distributor (dim_account)
    onboarded_date DATE
);

CREATE TABLE dim_transaction_type (
    transaction_type_id SMALLINT PRIMARY KEY,
    code                VARCHAR NOT NULL UNIQUE CHECK (code IN ('SALE', 'RETURN', 'FREE', 'DAMAGE')),
    name                VARCHAR NOT NULL,
    sign                SMALLINT NOT NULL CHECK (sign IN (1, -1))
);

CREATE TABLE dim_sales_hierarchy (
    employee_id     INTEGER PRIMARY KEY,
    employee_name   VARCHAR NOT NULL,
    email           VARCHAR,
    role            VARCHAR NOT NULL CHECK (role IN ('SO', 'ASM', 'ZSM', 'NSM')),
    territory_level VARCHAR NOT NULL CHECK (territory_level IN ('City', 'State', 'Zone', 'National')),
    territory_name  VARCHAR NOT NULL,
    reports_to_id   INTEGER                     -- employee_id of the manager; NULL for the NSM
);

-- Secondary sales lines. Facts carry no foreign-key constraints, as on DuckDB: the loaders
-- guarantee the keys. INTEGER PRIMARY KEY (SQLite's 64-bit rowid) rather than BIGINT: the
-- rows are stored in key order without a second index.
CREATE TABLE fact_sales_transactions (
    transaction_id      INTEGER PRIMARY KEY,
    transaction_date    DATE NOT NULL,
    date_key            INTEGER NOT NULL,
    customer_id         INTEGER NOT NULL,
    account_id          INTEGER NOT NULL,
    product_id          INTEGER NOT NULL,
    transaction_type_id SMALLINT NOT NULL,
    sales_rep_id        INTEGER,                -- the SO in dim_sales_hierarchy
    quantity            INTEGER NOT NULL,
    unit_price          DECIMAL(12, 2) NOT NULL,
    gross_amount        DECIMAL(14, 2) NOT NULL,
    discount_amount     DECIMAL(14, 2) NOT NULL,
    net_amount          DECIMAL(14, 2) NOT NULL  -- negative for returns
);

-- Primary sales: company invoices to distributors.
CREATE TABLE fact_primary_sales (
    invoice_id            VARCHAR NOT NULL,
    line_number           INTEGER NOT NULL,
    invoice_date          DATE NOT NULL,
    date_key              INTEGER NOT NULL,
    account_id            INTEGER NOT NULL,
    product_id            INTEGER NOT NULL,
    seller_warehouse_code VARCHAR NOT NULL,
    seller_warehouse_name VARCHAR NOT NULL,
    quantity              INTEGER NOT NULL,
    gross_amount          DECIMAL(14, 2) NOT NULL,
    net_amount            DECIMAL(14, 2) NOT NULL,
    billed_weight         DECIMAL(14, 3),       -- quantity x unit_weight, kg
    billed_volume         DECIMAL(14, 3),       -- quantity x unit_volume, litres
    PRIMARY KEY (invoice_id, line_number)
);

-- SQLite has no zone maps: like PostgreSQL it needs indexes for date filters and joins.
CREATE INDEX fact_sales_transactions_date_idx ON fact_sales_transactions (transaction_date);
CREATE INDEX fact_sales_transactions_product_idx ON fact_sales_transactions (product_id);
CREATE INDEX fact_sales_transactions_customer_idx ON fact_sales_transactions (customer_id);
CREATE INDEX fact_primary_sales_date_idx ON fact_primary_sales (invoice_date);
CREATE INDEX fact_primary_sales_account_idx ON fact_primary_sales (account_id);
