module termark

go 1.18
