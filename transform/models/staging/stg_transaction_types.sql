-- Transaction types, cleaned: code upper(trim()), name trim(). The table has no
-- exported_at, so identical duplicate rows collapse with DISTINCT; conflicting rows for one
-- type_id would fail the unique test on type_id.
select distinct
    CAST(type_id AS SMALLINT) as type_id,
    upper(trim(code)) as code,
    trim(name) as name,
    CAST(sign AS SMALLINT) as sign
from {{ source('raw', 'raw_transaction_types') }}
