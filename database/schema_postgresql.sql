-- ConvAI warehouse schema (PostgreSQL): the logical schema of DESIGN.md, the same on every engine
-- (database/schema_duckdb.sql is its DuckDB twin; keep the two in step).
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
    unit_price      NUMERIC(12, 2) NOT NULL,
    unit_weight     NUMERIC(10, 3),             -- kg
    unit_volume     NUMERIC(10, 3),             -- litres
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
    credit_limit   NUMERIC(14, 2),
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

-- Secondary sales lines. Facts carry no foreign-key constraints, as on DuckDB: the
-- loaders guarantee the keys, and COPY stays fast.
CREATE TABLE fact_sales_transactions (
    transaction_id      BIGINT PRIMARY KEY,
    transaction_date    DATE NOT NULL,
    date_key            INTEGER NOT NULL,
    customer_id         INTEGER NOT NULL,
    account_id          INTEGER NOT NULL,
    product_id          INTEGER NOT NULL,
    transaction_type_id SMALLINT NOT NULL,
    sales_rep_id        INTEGER,                -- the SO in dim_sales_hierarchy
    quantity            INTEGER NOT NULL,
    unit_price          NUMERIC(12, 2) NOT NULL,
    gross_amount        NUMERIC(14, 2) NOT NULL,
    discount_amount     NUMERIC(14, 2) NOT NULL,
    net_amount          NUMERIC(14, 2) NOT NULL  -- negative for returns
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
    gross_amount          NUMERIC(14, 2) NOT NULL,
    net_amount            NUMERIC(14, 2) NOT NULL,
    billed_weight         NUMERIC(14, 3),       -- quantity x unit_weight, kg
    billed_volume         NUMERIC(14, 3),       -- quantity x unit_volume, litres
    PRIMARY KEY (invoice_id, line_number)
);

-- Questions filter facts by date and group by product or customer; DuckDB's zone maps
-- do this without indexes, PostgreSQL needs them.
CREATE INDEX fact_sales_transactions_date_idx ON fact_sales_transactions (transaction_date);
CREATE INDEX fact_sales_transactions_product_idx ON fact_sales_transactions (product_id);
CREATE INDEX fact_sales_transactions_customer_idx ON fact_sales_transactions (customer_id);
CREATE INDEX fact_primary_sales_date_idx ON fact_primary_sales (invoice_date);
CREATE INDEX fact_primary_sales_account_idx ON fact_primary_sales (account_id);
