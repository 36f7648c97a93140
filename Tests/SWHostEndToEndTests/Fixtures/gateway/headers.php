<?php
header('X-Custom: kept');
header('X-Secret: hidden');
header('Content-Type: text/plain');
echo "headers\n";
