-- ConvAI warehouse schema (Microsoft SQL Server, T-SQL): the logical schema of DESIGN.md,
-- the same tables, columns and checks as schema_duckdb.sql.
-- Text is NVARCHAR (Indian names and scripts), flags are BIT, and every VARCHAR has a
-- length because T-SQL's VARCHAR without one is VARCHAR(1). Amounts are exact DECIMALs in
-- rupees. One batch without GO: the migration runner sends it in one transaction.

CREATE TABLE dim_date (
    date_key      INT NOT NULL PRIMARY KEY,     -- yyyymmdd
    full_date     DATE NOT NULL UNIQUE,
    day_of_week   SMALLINT NOT NULL CHECK (day_of_week BETWEEN 1 AND 7),  -- 1 = Monday
    day_name      NVARCHAR(20) NOT NULL,
    week_of_year  SMALLINT NOT NULL,            -- ISO week
    month         SMALLINT NOT NULL CHECK (month BETWEEN 1 AND 12),
    month_name    NVARCHAR(20) NOT NULL,
    quarter       SMALLINT NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    year          SMALLINT NOT NULL,
    is_weekend    BIT NOT NULL
);

CREATE TABLE dim_product (
    product_id      INT NOT NULL PRIMARY KEY,
    sku             NVARCHAR(64) NOT NULL UNIQUE,
    product_name    NVARCHAR(200) NOT NULL,
    brand           NVARCHAR(100) NOT NULL,
    category        NVARCHAR(100) NOT NULL,
    sub_category    NVARCHAR(100) NOT NULL,
    unit_price      DECIMAL(12, 2) NOT NULL,
    unit_weight     DECIMAL(10, 3),             -- kg
    unit_volume     DECIMAL(10, 3),             -- litres
    unit_of_measure NVARCHAR(20) NOT NULL,
    launch_date     DATE,
    is_active       BIT NOT NULL DEFAULT 1
);

CREATE TABLE dim_account (
    account_id     INT NOT NULL PRIMARY KEY,
    account_name   NVARCHAR(200) NOT NULL,
    account_type   NVARCHAR(20) NOT NULL CHECK (account_type IN (N'Distributor', N'Super Stockist')),
    city           NVARCHAR(100) NOT NULL,
    state          NVARCHAR(100) NOT NULL,
    zone           NVARCHAR(10) NOT NULL CHECK (zone IN (N'North', N'South', N'East', N'West', N'Central')),
    credit_limit   DECIMAL(14, 2),
    onboarded_date DATE
);

CREATE TABLE dim_customer (
    customer_id    INT NOT NULL PRIMARY KEY,
    customer_name  NVARCHAR(200) NOT NULL,
    customer_type  NVARCHAR(20) NOT NULL
        CHECK (customer_type IN (N'General Trade', N'Modern Trade', N'Wholesale', N'HoReCa', N'E-commerce')),
    city           NVARCHAR(100) NOT NULL,
    state          NVARCHAR(100) NOT NULL,
    zone           NVARCHAR(10) NOT NULL CHECK (zone IN (N'North', N'South', N'East', N'West', N'Central')),
    account_id     INT NOT NULL,                -- the serving distributor (dim_account)
    onboarded_date DATE
);

CREATE TABLE dim_transaction_type (
    transaction_type_id SMALLINT NOT NULL PRIMARY KEY,
    code                NVARCHAR(10) NOT NULL UNIQUE CHECK (code IN (N'SALE', N'RETURN', N'FREE', N'DAMAGE')),
    name                NVARCHAR(50) NOT NULL,
    sign                SMALLINT NOT NULL CHECK (sign IN (1, -1))
);

CREATE TABLE dim_sales_hierarchy (
    employee_id     INT NOT NULL PRIMARY KEY,
    employee_name   NVARCHAR(200) NOT NULL,
    email           NVARCHAR(320),
    role            NVARCHAR(3) NOT NULL CHECK (role IN (N'SO', N'ASM', N'ZSM', N'NSM')),
    territory_level NVARCHAR(10) NOT NULL CHECK (territory_level IN (N'City', N'State', N'Zone', N'National')),
    territory_name  NVARCHAR(100) NOT NULL,
    reports_to_id   INT                         -- employee_id of the manager; NULL for the NSM
);

-- Secondary sales lines. Facts carry no foreign-key constraints, as on the other
-- engines: the loaders guarantee the keys and bulk copy stays fast.
CREATE TABLE fact_sales_transactions (
    transaction_id      BIGINT NOT NULL PRIMARY KEY,
    transaction_date    DATE NOT NULL,
    date_key            INT NOT NULL,
    customer_id         INT NOT NULL,
    account_id          INT NOT NULL,
    product_id          INT NOT NULL,
    transaction_type_id SMALLINT NOT NULL,
    sales_rep_id        INT,                    -- the SO in dim_sales_hierarchy
    quantity            INT NOT NULL,
    unit_price          DECIMAL(12, 2) NOT NULL,
    gross_amount        DECIMAL(14, 2) NOT NULL,
    discount_amount     DECIMAL(14, 2) NOT NULL,
    net_amount          DECIMAL(14, 2) NOT NULL  -- negative for returns
);

-- Primary sales: company invoices to distributors.
CREATE TABLE fact_primary_sales (
    invoice_id            NVARCHAR(40) NOT NULL,
    line_number           INT NOT NULL,
    invoice_date          DATE NOT NULL,
    date_key              INT NOT NULL,
    account_id            INT NOT NULL,
    product_id            INT NOT NULL,
    seller_warehouse_code NVARCHAR(20) NOT NULL,
    seller_warehouse_name NVARCHAR(200) NOT NULL,
    quantity              INT NOT NULL,
    gross_amount          DECIMAL(14, 2) NOT NULL,
    net_amount            DECIMAL(14, 2) NOT NULL,
    billed_weight         DECIMAL(14, 3),       -- quantity x unit_weight, kg
    billed_volume         DECIMAL(14, 3),       -- quantity x unit_volume, litres
    PRIMARY KEY (invoice_id, line_number)
);
