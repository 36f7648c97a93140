<?php
// 20 MiB in 1 MiB blocks, flushed as it goes.
header('Content-Type: application/octet-stream');
$block = str_repeat('0123456789abcdef', 65536);
for ($i = 0; $i < 20; $i++) {
    echo $block;
    flush();
}
