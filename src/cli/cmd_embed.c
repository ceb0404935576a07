/* PLACEHOLDER */
typedef int placeholder_unit;
