DROP TABLE distribution_firsts;
DROP TABLE distribution_key_months;
DROP TABLE distribution_months;
DROP TABLE distributions;
